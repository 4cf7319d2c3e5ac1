/**
 * A global cap on tasks running at once; the rest wait in order and can be told their position.
 */
export interface TaskQueue {
  /** Wait for a slot; `onQueued` hears the position while waiting (1 = next). Returns the release. */
  acquire(onQueued?: (position: number) => void, signal?: AbortSignal): Promise<() => void>;
  readonly running: number;
  readonly waiting: number;
}

export function createTaskQueue(maxConcurrent: number): TaskQueue {
  let running = 0;
  const waiters: { start: () => void; onQueued: ((position: number) => void) | undefined }[] = [];
  const announce = () => {
    for (const [index, waiter] of waiters.entries()) waiter.onQueued?.(index + 1);
  };
  const release = () => {
    running--;
    const next = waiters.shift();
    if (next) {
      running++;
      next.start();
      announce();
    }
  };
  return {
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
    acquire(onQueued, signal) {
      if (running < maxConcurrent) {
        running++;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const waiter = { start: () => resolve(once(release)), onQueued };
        waiters.push(waiter);
        onQueued?.(waiters.length);
        signal?.addEventListener('abort', () => {
          const index = waiters.indexOf(waiter);
          if (index === -1) return;
          waiters.splice(index, 1);
          announce();
          reject(signal.reason ?? new Error('cancelled while queued'));
        });
      });
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

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
      // A request cancelled before it got in line (e.g. Stop while the progress message was sent)
      // must not wait for a slot it will never use.
      if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('cancelled before it started'));
      if (running < maxConcurrent) {
        running++;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index === -1) return;
          waiters.splice(index, 1);
          announce();
          reject(signal?.reason ?? new Error('cancelled while queued'));
        };
        const waiter = {
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(once(release));
          },
          onQueued,
        };
        waiters.push(waiter);
        onQueued?.(waiters.length);
        signal?.addEventListener('abort', onAbort, { once: true });
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

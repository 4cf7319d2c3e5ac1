/**
 * Slots for running task messages, shared fairly between servers: a global cap (what the machine can
 * run without starving the bot's event loop), a cap per server, and one queue per server served round
 * robin, so one team's twenty heavy tasks do not delay every other team behind them.
 */

export interface FairScheduler {
  /**
   * Wait for a slot for `server`. `onQueued` hears the position while waiting (1 = next), each time it
   * changes. Rejects when `signal` aborts first. Resolves to the release (calling it twice frees one slot).
   */
  acquire(
    server: string,
    options?: { onQueued?: (position: number) => void; signal?: AbortSignal },
  ): Promise<() => void>;
  /** Whether a request of `server` made now would wait, and at which position. */
  positionIfQueued(server: string): number | undefined;
  readonly running: number;
  readonly waiting: number;
  /** Running and queued per server (servers with neither are left out). */
  servers(): { scope: string; running: number; queued: number }[];
}

interface Waiter {
  server: string;
  start: () => void;
  onQueued: ((position: number) => void) | undefined;
  told: number;
}

export function createFairScheduler(options: { maxConcurrent: number; maxPerServer: number }): FairScheduler {
  const { maxConcurrent } = options;
  const maxPerServer = Math.min(options.maxPerServer, maxConcurrent);
  const queues = new Map<string, Waiter[]>();
  /** Servers with waiters, in the order they are served next. */
  let rotation: string[] = [];
  const runningOf = new Map<string, number>();
  let running = 0;

  const canRun = (server: string) => running < maxConcurrent && (runningOf.get(server) ?? 0) < maxPerServer;
  const take = (server: string) => {
    running++;
    runningOf.set(server, (runningOf.get(server) ?? 0) + 1);
  };

  /** The order waiters would be served in if slots freed one at a time: round robin over the queues. */
  const serviceOrder = (): Waiter[] => {
    const cursors = rotation.map((server) => ({ queue: queues.get(server) ?? [], next: 0 }));
    const order: Waiter[] = [];
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const cursor of cursors) {
        const waiter = cursor.queue[cursor.next];
        if (!waiter) continue;
        order.push(waiter);
        cursor.next++;
        progressed = true;
      }
    }
    return order;
  };

  const announce = () => {
    for (const [index, waiter] of serviceOrder().entries()) {
      if (waiter.told === index + 1) continue;
      waiter.told = index + 1;
      try {
        waiter.onQueued?.(index + 1);
      } catch {
        // a front end's rendering fault must not break scheduling
      }
    }
  };

  const dequeue = (waiter: Waiter) => {
    const queue = queues.get(waiter.server) ?? [];
    const index = queue.indexOf(waiter);
    if (index !== -1) queue.splice(index, 1);
    if (queue.length === 0) {
      queues.delete(waiter.server);
      rotation = rotation.filter((server) => server !== waiter.server);
    }
  };

  /** Start waiters while slots allow, visiting servers round robin. */
  const dispatch = () => {
    let started = false;
    for (let visited = 0; visited < rotation.length && running < maxConcurrent; ) {
      const server = rotation[0];
      if (server === undefined) break;
      const waiter = queues.get(server)?.[0];
      if (waiter && canRun(server)) {
        dequeue(waiter);
        // Served: this server goes to the back of the rotation when it still waits.
        rotation = rotation.filter((s) => s !== server);
        if (queues.has(server)) rotation.push(server);
        take(server);
        waiter.start();
        started = true;
        visited = 0;
      } else {
        rotation.push(rotation.shift() as string);
        visited++;
      }
    }
    if (started) announce();
  };

  const releaseFor = (server: string) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      running--;
      const left = (runningOf.get(server) ?? 1) - 1;
      if (left > 0) runningOf.set(server, left);
      else runningOf.delete(server);
      dispatch();
    };
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      let total = 0;
      for (const queue of queues.values()) total += queue.length;
      return total;
    },
    positionIfQueued(server) {
      if (canRun(server) && !queues.has(server)) return undefined;
      // Where a newcomer at the end of its server's queue would be served.
      const probe: Waiter = { server, start: () => {}, onQueued: undefined, told: 0 };
      const queue = queues.get(server);
      queues.set(server, [...(queue ?? []), probe]);
      if (!queue) rotation.push(server);
      const position = serviceOrder().indexOf(probe) + 1;
      if (queue) queues.set(server, queue);
      else dequeue(probe);
      return position;
    },
    servers() {
      const scopes = new Set([...runningOf.keys(), ...queues.keys()]);
      return [...scopes].map((scope) => ({
        scope,
        running: runningOf.get(scope) ?? 0,
        queued: queues.get(scope)?.length ?? 0,
      }));
    },
    acquire(server, { onQueued, signal } = {}) {
      // A request cancelled before it got in line must not wait for a slot it will never use.
      if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('cancelled before it started'));
      if (canRun(server) && !queues.has(server)) {
        take(server);
        return Promise.resolve(releaseFor(server));
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          if (!queues.get(server)?.includes(waiter)) return;
          dequeue(waiter);
          announce();
          reject(signal?.reason ?? new Error('cancelled while queued'));
        };
        const waiter: Waiter = {
          server,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(releaseFor(server));
          },
          onQueued,
          told: 0,
        };
        const queue = queues.get(server);
        if (queue) queue.push(waiter);
        else {
          queues.set(server, [waiter]);
          rotation.push(server);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        announce();
        // A slot may be free for this server while others' waiters are capped.
        dispatch();
      });
    },
  };
}

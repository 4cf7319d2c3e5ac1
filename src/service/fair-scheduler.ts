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

/** Fair slots with a global cap and a per-server cap (at most the global one). */
export function createFairScheduler(options: { maxConcurrent: number; maxPerServer: number }): FairScheduler {
  return new RoundRobinSlots(options.maxConcurrent, Math.min(options.maxPerServer, options.maxConcurrent));
}

/** The scheduler's state (queues, rotation, counts) and the steps that keep it fair. */
class RoundRobinSlots implements FairScheduler {
  readonly #maxConcurrent: number;
  readonly #maxPerServer: number;
  readonly #queues = new Map<string, Waiter[]>();
  /** Servers with waiters, in the order they are served next. */
  #rotation: string[] = [];
  readonly #runningOf = new Map<string, number>();
  #running = 0;

  constructor(maxConcurrent: number, maxPerServer: number) {
    this.#maxConcurrent = maxConcurrent;
    this.#maxPerServer = maxPerServer;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    let total = 0;
    for (const queue of this.#queues.values()) total += queue.length;
    return total;
  }

  positionIfQueued(server: string): number | undefined {
    if (this.#canRun(server) && !this.#queues.has(server)) return undefined;
    // Where a newcomer at the end of its server's queue would be served.
    const probe: Waiter = { server, start: () => {}, onQueued: undefined, told: 0 };
    const queue = this.#queues.get(server);
    this.#queues.set(server, [...(queue ?? []), probe]);
    if (!queue) this.#rotation.push(server);
    const position = this.#serviceOrder().indexOf(probe) + 1;
    if (queue) this.#queues.set(server, queue);
    else this.#dequeue(probe);
    return position;
  }

  servers(): { scope: string; running: number; queued: number }[] {
    const scopes = new Set([...this.#runningOf.keys(), ...this.#queues.keys()]);
    return [...scopes].map((scope) => ({
      scope,
      running: this.#runningOf.get(scope) ?? 0,
      queued: this.#queues.get(scope)?.length ?? 0,
    }));
  }

  acquire(
    server: string,
    { onQueued, signal }: { onQueued?: (position: number) => void; signal?: AbortSignal } = {},
  ): Promise<() => void> {
    // A request cancelled before it got in line must not wait for a slot it will never use.
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('cancelled before it started'));
    if (this.#canRun(server) && !this.#queues.has(server)) {
      this.#take(server);
      return Promise.resolve(this.#releaseFor(server));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.#queues.get(server)?.includes(waiter)) return;
        this.#dequeue(waiter);
        this.#announce();
        reject(signal?.reason ?? new Error('cancelled while queued'));
      };
      const waiter: Waiter = {
        server,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaseFor(server));
        },
        onQueued,
        told: 0,
      };
      const queue = this.#queues.get(server);
      if (queue) queue.push(waiter);
      else {
        this.#queues.set(server, [waiter]);
        this.#rotation.push(server);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#announce();
      // A slot may be free for this server while others' waiters are capped.
      this.#dispatch();
    });
  }

  #canRun(server: string): boolean {
    return this.#running < this.#maxConcurrent && (this.#runningOf.get(server) ?? 0) < this.#maxPerServer;
  }

  #take(server: string): void {
    this.#running++;
    this.#runningOf.set(server, (this.#runningOf.get(server) ?? 0) + 1);
  }

  /** The order waiters would be served in if slots freed one at a time: round robin over the queues. */
  #serviceOrder(): Waiter[] {
    const cursors = this.#rotation.map((server) => ({ queue: this.#queues.get(server) ?? [], next: 0 }));
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
  }

  #announce(): void {
    for (const [index, waiter] of this.#serviceOrder().entries()) {
      if (waiter.told === index + 1) continue;
      waiter.told = index + 1;
      try {
        waiter.onQueued?.(index + 1);
      } catch {
        // a front end's rendering fault must not break scheduling
      }
    }
  }

  #dequeue(waiter: Waiter): void {
    const queue = this.#queues.get(waiter.server) ?? [];
    const index = queue.indexOf(waiter);
    if (index !== -1) queue.splice(index, 1);
    if (queue.length === 0) {
      this.#queues.delete(waiter.server);
      this.#rotation = this.#rotation.filter((server) => server !== waiter.server);
    }
  }

  /** Start waiters while slots allow, visiting servers round robin. */
  #dispatch(): void {
    let started = false;
    for (let visited = 0; visited < this.#rotation.length && this.#running < this.#maxConcurrent; ) {
      const server = this.#rotation[0];
      if (server === undefined) break;
      const waiter = this.#queues.get(server)?.[0];
      if (waiter && this.#canRun(server)) {
        this.#dequeue(waiter);
        // Served: this server goes to the back of the rotation when it still waits.
        this.#rotation = this.#rotation.filter((s) => s !== server);
        if (this.#queues.has(server)) this.#rotation.push(server);
        this.#take(server);
        waiter.start();
        started = true;
        visited = 0;
      } else {
        this.#rotation.push(this.#rotation.shift() as string);
        visited++;
      }
    }
    if (started) this.#announce();
  }

  #releaseFor(server: string): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#running--;
      const left = (this.#runningOf.get(server) ?? 1) - 1;
      if (left > 0) this.#runningOf.set(server, left);
      else this.#runningOf.delete(server);
      this.#dispatch();
    };
  }
}

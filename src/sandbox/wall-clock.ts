/**
 * A run's wall-clock limit: a host timer that ends the run, paused while the run waits for a person
 * (an approval), so only the time the run itself takes counts.
 */
export class WallClock {
  readonly #limitMs: number;
  readonly #onExpire: () => void;
  #timer: NodeJS.Timeout | undefined;
  #spent = 0;
  #resumedAt = 0;
  #pauses = 0;
  #stopped = false;

  constructor(limitMs: number, onExpire: () => void) {
    this.#limitMs = limitMs;
    this.#onExpire = onExpire;
  }

  start(): void {
    this.#resumedAt = Date.now();
    this.#timer = setTimeout(this.#onExpire, this.#limitMs);
  }

  /** Wait for `waiting` with the clock stopped; nested pauses resume when the last one settles. */
  async pauseWhile<T>(waiting: Promise<T>): Promise<T> {
    if (this.#pauses++ === 0) {
      this.#spent += Date.now() - this.#resumedAt;
      clearTimeout(this.#timer);
    }
    try {
      return await waiting;
    } finally {
      if (--this.#pauses === 0 && !this.#stopped) {
        this.#resumedAt = Date.now();
        this.#timer = setTimeout(this.#onExpire, Math.max(0, this.#limitMs - this.#spent));
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}

/**
 * A run's timers as the host sees them: the isolate keeps the queue, the host keeps one timer set to
 * the isolate's earliest due one and asks the isolate to fire it (see runtime/bootstrap.js).
 */

/** Asks the isolate to fire its earliest due timer; `onNext` gets the ms to the next one (or none). */
export type FireTimers = (onNext: (next: unknown) => void) => void;

export class RunTimers {
  readonly #fire: FireTimers;
  #wake: NodeJS.Timeout | undefined;
  #wakeDue = Number.POSITIVE_INFINITY;
  #fireInFlight = false;
  /** Timers set in the isolate, as it last reported. */
  pending = 0;

  constructor(fire: FireTimers) {
    this.#fire = fire;
  }

  /** True while a timer is due to be fired or being fired. */
  get waiting(): boolean {
    return this.#wake !== undefined || this.#fireInFlight || this.pending > 0;
  }

  /** The isolate reported its earliest timer due in `ms`, `pending` in all. */
  onWake(pending: number, ms: number): void {
    this.pending = pending;
    this.#setWake(ms);
  }

  stop(): void {
    clearTimeout(this.#wake);
    this.#wake = undefined;
  }

  /**
   * Ask the isolate to run its earliest due timer, then wait for the next one it reports. One
   * 'fire' is in flight at a time; a wake asked for meanwhile is merged into what follows it.
   */
  #fireDue = (): void => {
    this.#wake = undefined;
    this.#wakeDue = Number.POSITIVE_INFINITY;
    this.#fireInFlight = true;
    this.#fire((next) => {
      this.#fireInFlight = false;
      let ms = typeof next === 'number' && next >= 0 ? next : Number.POSITIVE_INFINITY;
      if (this.#wakeDue !== Number.POSITIVE_INFINITY)
        ms = Math.min(ms, Math.max(0, this.#wakeDue - Date.now()));
      this.#wakeDue = Number.POSITIVE_INFINITY;
      if (ms === Number.POSITIVE_INFINITY) this.pending = 0;
      // Due now: straight back in. Each entry's completion is a host task of its own, so the
      // host's event loop serves everything else between two timers.
      else if (ms === 0) this.#fireDue();
      else this.#setWake(ms);
    });
  };

  /** Wake the isolate in `ms` unless it is already to be woken earlier (waking early is harmless). */
  #setWake(ms: number): void {
    const due = Date.now() + ms;
    if (due >= this.#wakeDue) return;
    this.#wakeDue = due;
    if (this.#fireInFlight) return;
    clearTimeout(this.#wake);
    this.#wake = setTimeout(this.#fireDue, ms);
  }
}

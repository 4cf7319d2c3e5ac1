/**
 * Calls `fn` at most once per `intervalMs`, always with the latest state: a burst of updates becomes
 * one edit now and one at the end of the interval. `flush` sends the pending update at once.
 */
export interface Throttled {
  schedule(): void;
  flush(): Promise<void>;
  cancel(): void;
}

/** `shownAt`: when the state was last shown without `fn` (e.g. the message was just sent); default never. */
export function throttle(fn: () => Promise<unknown>, intervalMs: number, shownAt = 0): Throttled {
  let last = shownAt;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let dirty = false;
  const fire = () => {
    timer = undefined;
    dirty = false;
    last = Date.now();
    inFlight = inFlight.then(fn).catch(() => undefined);
  };
  return {
    schedule() {
      dirty = true;
      if (timer) return;
      const wait = Math.max(0, last + intervalMs - Date.now());
      timer = setTimeout(fire, wait);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (dirty) fire();
      await inFlight;
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      dirty = false;
    },
  };
}

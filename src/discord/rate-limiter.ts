/** Per-user rate limit: at most `perMinute` starts in any 60 s window. */
export interface RateLimiter {
  /** Take a slot for `user`; returns the seconds to wait when there is none. */
  take(user: string): { ok: true } | { ok: false; retryInS: number };
}

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const starts = new Map<string, number[]>();
  return {
    take(user) {
      const t = now();
      const recent = (starts.get(user) ?? []).filter((at) => t - at < 60_000);
      if (recent.length >= perMinute) {
        starts.set(user, recent);
        const oldest = recent[0] ?? t;
        return { ok: false, retryInS: Math.max(1, Math.ceil((60_000 - (t - oldest)) / 1000)) };
      }
      recent.push(t);
      starts.set(user, recent);
      return { ok: true };
    },
  };
}

/** Per-member rate limit: at most `perMinute` messages (tasks and follow-ups) in any 60 s window. */
export interface RateLimiter {
  /** Take a slot for `user`; returns the seconds to wait when there is none. */
  take(user: string): { ok: true } | { ok: false; retryInS: number };
}

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const starts = new Map<string, number[]>();
  const recentOf = (user: string, t: number) => {
    const recent = (starts.get(user) ?? []).filter((at) => t - at < 60_000);
    if (recent.length > 0) starts.set(user, recent);
    else starts.delete(user);
    return recent;
  };
  const check = (user: string, t = now()) => {
    const recent = recentOf(user, t);
    if (recent.length < perMinute) return { ok: true } as const;
    const oldest = recent[0] ?? t;
    return { ok: false, retryInS: Math.max(1, Math.ceil((60_000 - (t - oldest)) / 1000)) } as const;
  };
  return {
    take(user) {
      const t = now();
      const verdict = check(user, t);
      if (verdict.ok) starts.set(user, [...recentOf(user, t), t]);
      return verdict;
    },
  };
}

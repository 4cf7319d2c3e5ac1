import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/service/rate-limiter.ts';

describe('createRateLimiter', () => {
  it('allows perMinute starts per user in any 60 s window and says how long to wait', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter(2, () => t);
    expect(limiter.take('alice')).toEqual({ ok: true });
    t += 10_000;
    expect(limiter.take('alice')).toEqual({ ok: true });
    t += 5_000;
    // the first start was 15 s ago: 45 s to wait
    expect(limiter.take('alice')).toEqual({ ok: false, retryInS: 45 });
    // others are not affected
    expect(limiter.take('bob')).toEqual({ ok: true });
    t += 45_000;
    expect(limiter.take('alice')).toEqual({ ok: true });
    // the second start (at +10 s, 50 s ago) is still in the window, and the new one fills it
    expect(limiter.take('alice')).toEqual({ ok: false, retryInS: 10 });
  });

  it('does not count refused attempts as starts', () => {
    let t = 0;
    const limiter = createRateLimiter(1, () => t);
    expect(limiter.take('u').ok).toBe(true);
    for (let i = 0; i < 5; i++) {
      t += 1000;
      expect(limiter.take('u').ok).toBe(false);
    }
    t = 60_000;
    expect(limiter.take('u')).toEqual({ ok: true });
  });

  it('never asks to wait less than a second', () => {
    let t = 0;
    const limiter = createRateLimiter(1, () => t);
    limiter.take('u');
    t = 59_999;
    expect(limiter.take('u')).toEqual({ ok: false, retryInS: 1 });
  });
});

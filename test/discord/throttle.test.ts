import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../src/discord/throttle.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttle', () => {
  it('turns a burst into one call now and one at the end of the interval, with the latest state', async () => {
    let state = 0;
    const seen: { at: number; state: number }[] = [];
    const edits = throttle(async () => {
      seen.push({ at: Date.now(), state });
    }, 1500);
    for (let i = 1; i <= 5; i++) {
      state = i;
      edits.schedule();
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([{ at: 1_000_000, state: 5 }]);
    for (let i = 6; i <= 20; i++) {
      state = i;
      edits.schedule();
      await vi.advanceTimersByTimeAsync(50);
    }
    // 750 ms later, nothing yet; the next call comes 1500 ms after the first
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(750);
    expect(seen).toEqual([
      { at: 1_000_000, state: 5 },
      { at: 1_001_500, state: 20 },
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(2);
  });

  it('flush sends a pending update at once and waits for it; cancel drops it', async () => {
    const calls: number[] = [];
    const edits = throttle(async () => {
      calls.push(Date.now());
    }, 1000);
    edits.schedule();
    await vi.advanceTimersByTimeAsync(0);
    edits.schedule();
    await edits.flush();
    expect(calls).toEqual([1_000_000, 1_000_000]);
    // nothing pending: flush sends nothing more
    await edits.flush();
    expect(calls).toHaveLength(2);
    edits.schedule();
    edits.cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(2);
  });

  it('keeps calls in order and survives a failing call', async () => {
    const order: string[] = [];
    let fail = true;
    const edits = throttle(async () => {
      order.push(fail ? 'fail' : 'ok');
      if (fail) {
        fail = false;
        throw new Error('Discord said no');
      }
    }, 100);
    edits.schedule();
    await vi.advanceTimersByTimeAsync(0);
    edits.schedule();
    await vi.advanceTimersByTimeAsync(100);
    await edits.flush();
    expect(order).toEqual(['fail', 'ok']);
  });

  it('waits a full interval after the state was shown some other way (the message was just sent)', async () => {
    const calls: number[] = [];
    const edits = throttle(
      async () => {
        calls.push(Date.now());
      },
      1500,
      Date.now(),
    );
    edits.schedule();
    await vi.advanceTimersByTimeAsync(1499);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([1_001_500]);
  });
});

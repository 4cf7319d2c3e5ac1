import { describe, expect, it } from 'vitest';
import { createTurnDispatcher } from '../../src/sandbox/turn-dispatcher.ts';

/** Resolves after `n` turns of the event loop (setImmediate, the check phase). */
const turns = (n: number) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)));
    step(n);
  });

describe('createTurnDispatcher', () => {
  it('runs work at once while the turn’s budget lasts, in order', () => {
    const { dispatch } = createTurnDispatcher({ budgetMs: 1_000 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) dispatch(() => seen.push(i));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('past the budget, the rest waits for later turns, in order, and other work runs in between', async () => {
    const { dispatch } = createTurnDispatcher({ budgetMs: 0 });
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: [number, number][] = [];
    for (let i = 0; i < 5; i++) dispatch(() => seen.push([i, turn]));
    expect(seen).toEqual([[0, 0]]);
    await turns(20);
    ticking = false;
    expect(seen.map(([i]) => i)).toEqual([0, 1, 2, 3, 4]);
    // One piece of work per turn: each saw a later turn than the one before.
    for (let k = 1; k < seen.length; k++) expect(seen[k]?.[1]).toBeGreaterThan(seen[k - 1]?.[1] ?? 0);
  });

  it('work that throws does not stop what waits behind it', async () => {
    const { dispatch } = createTurnDispatcher({ budgetMs: 0 });
    const seen: string[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      dispatch(() => seen.push('first'));
      dispatch(() => {
        throw new Error('boom');
      });
      dispatch(() => seen.push('after'));
      await turns(10);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(seen).toEqual(['first', 'after']);
    expect(errors).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { createTaskQueue } from '../../src/discord/task-queue.ts';

const settled = async <T>(promise: Promise<T>): Promise<'pending' | 'resolved' | 'rejected'> => {
  const marker = Symbol('pending');
  const outcome = await Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<typeof marker>((resolve) => setImmediate(() => resolve(marker))),
  ]);
  return outcome === marker ? 'pending' : outcome;
};

describe('createTaskQueue', () => {
  it('runs up to the cap at once; the rest wait in order and hear their position', async () => {
    const queue = createTaskQueue(2);
    const releaseA = await queue.acquire();
    const releaseB = await queue.acquire();
    expect(queue.running).toBe(2);
    const positionsC: number[] = [];
    const positionsD: number[] = [];
    const c = queue.acquire((p) => positionsC.push(p));
    const d = queue.acquire((p) => positionsD.push(p));
    expect(queue.waiting).toBe(2);
    expect(positionsC).toEqual([1]);
    expect(positionsD).toEqual([2]);
    expect(await settled(c)).toBe('pending');

    releaseA();
    const releaseC = await c;
    expect(positionsD).toEqual([2, 1]);
    expect(await settled(d)).toBe('pending');
    expect(queue.running).toBe(2);

    // releasing twice frees one slot only
    releaseA();
    expect(await settled(d)).toBe('pending');

    releaseB();
    const releaseD = await d;
    releaseC();
    releaseD();
    expect(queue.running).toBe(0);
    expect(queue.waiting).toBe(0);
  });

  it('a cancelled waiter leaves the line, the others move up, and its slot is not taken', async () => {
    const queue = createTaskQueue(1);
    const release = await queue.acquire();
    const controller = new AbortController();
    const positionsB: number[] = [];
    const a = queue.acquire(undefined, controller.signal);
    const b = queue.acquire((p) => positionsB.push(p));
    controller.abort(new Error('stopped'));
    await expect(a).rejects.toThrow('stopped');
    expect(positionsB).toEqual([2, 1]);
    release();
    const releaseB = await b;
    expect(queue.running).toBe(1);
    releaseB();
    expect(queue.running).toBe(0);
  });

  it('an already-cancelled request does not wait in line', async () => {
    const queue = createTaskQueue(1);
    const release = await queue.acquire();
    const controller = new AbortController();
    controller.abort(new Error('stopped before queueing'));
    const a = queue.acquire(undefined, controller.signal);
    expect(await settled(a)).toBe('rejected');
    await expect(a).rejects.toThrow('stopped before queueing');
    expect(queue.waiting).toBe(0);
    release();
    expect(queue.running).toBe(0);
  });

  it('cancelling after the slot was granted changes nothing', async () => {
    const queue = createTaskQueue(1);
    const controller = new AbortController();
    const release = await queue.acquire(undefined, controller.signal);
    controller.abort();
    expect(queue.running).toBe(1);
    release();
    expect(queue.running).toBe(0);
  });
});

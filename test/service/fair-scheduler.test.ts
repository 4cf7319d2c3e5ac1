import { describe, expect, it } from 'vitest';
import { createFairScheduler } from '../../src/service/fair-scheduler.ts';

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

describe('createFairScheduler, one server', () => {
  it('runs up to the cap at once; the rest wait in order and hear their position', async () => {
    const queue = createFairScheduler({ maxConcurrent: 2, maxPerServer: 2 });
    const releaseA = await queue.acquire('g');
    const releaseB = await queue.acquire('g');
    expect(queue.running).toBe(2);
    const positionsC: number[] = [];
    const positionsD: number[] = [];
    const c = queue.acquire('g', { onQueued: (p) => positionsC.push(p) });
    const d = queue.acquire('g', { onQueued: (p) => positionsD.push(p) });
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
    const queue = createFairScheduler({ maxConcurrent: 1, maxPerServer: 1 });
    const release = await queue.acquire('g');
    const controller = new AbortController();
    const positionsB: number[] = [];
    const a = queue.acquire('g', { signal: controller.signal });
    const b = queue.acquire('g', { onQueued: (p) => positionsB.push(p) });
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
    const queue = createFairScheduler({ maxConcurrent: 1, maxPerServer: 1 });
    const release = await queue.acquire('g');
    const controller = new AbortController();
    controller.abort(new Error('stopped before queueing'));
    const a = queue.acquire('g', { signal: controller.signal });
    expect(await settled(a)).toBe('rejected');
    await expect(a).rejects.toThrow('stopped before queueing');
    expect(queue.waiting).toBe(0);
    release();
    expect(queue.running).toBe(0);
  });

  it('cancelling after the slot was granted changes nothing', async () => {
    const queue = createFairScheduler({ maxConcurrent: 1, maxPerServer: 1 });
    const controller = new AbortController();
    const release = await queue.acquire('g', { signal: controller.signal });
    controller.abort();
    expect(queue.running).toBe(1);
    release();
    expect(queue.running).toBe(0);
  });
});

describe('createFairScheduler, several servers', () => {
  const drain = () => new Promise((resolve) => setImmediate(resolve));

  it('serves the servers round robin: a team with many queued tasks does not delay another team', async () => {
    const scheduler = createFairScheduler({ maxConcurrent: 2, maxPerServer: 2 });
    const heavy = await Promise.all([scheduler.acquire('heavy'), scheduler.acquire('heavy')]);
    const started: string[] = [];
    const positions = new Map<string, number[]>();
    const request = (server: string, name: string) => {
      positions.set(name, []);
      return scheduler.acquire(server, { onQueued: (p) => positions.get(name)?.push(p) }).then((release) => {
        started.push(name);
        return release;
      });
    };
    const waiting = [1, 2, 3, 4, 5].map((i) => request('heavy', `h${i}`));
    const light = request('light', 'l1');
    // The light team's task is served right after the heavy team's next one, not after all five.
    expect(positions.get('l1')).toEqual([2]);
    expect(scheduler.positionIfQueued('light')).toBe(4);
    heavy[0]?.();
    await drain();
    expect(started).toEqual(['h1']);
    heavy[1]?.();
    await drain();
    expect(started).toEqual(['h1', 'l1']);
    (await light)();
    for (const pending of waiting) (await pending)();
    expect(started).toEqual(['h1', 'l1', 'h2', 'h3', 'h4', 'h5']);
    expect(scheduler.running).toBe(0);
    expect(scheduler.servers()).toEqual([]);
  });

  it('caps one server below the global cap, so a free slot stays for the others', async () => {
    const scheduler = createFairScheduler({ maxConcurrent: 3, maxPerServer: 2 });
    await scheduler.acquire('a');
    await scheduler.acquire('a');
    const third = scheduler.acquire('a');
    expect(scheduler.positionIfQueued('b')).toBeUndefined();
    const other = await scheduler.acquire('b');
    expect(scheduler.servers()).toEqual(
      expect.arrayContaining([
        { scope: 'a', running: 2, queued: 1 },
        { scope: 'b', running: 1, queued: 0 },
      ]),
    );
    expect(await settled(third)).toBe('pending');
    other();
    // The free global slot does not go to `a`: it is at its own cap.
    expect(await settled(third)).toBe('pending');
    expect(scheduler.running).toBe(2);
  });
});

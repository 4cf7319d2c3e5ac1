/** Serving a host call: only the run's own bindings answer, whatever name the isolate sends. */
import { describe, expect, it } from 'vitest';
import { serveHostCall } from '../../src/sandbox/host-call.ts';

const context = {
  signal: new AbortController().signal,
  evaluate: async () => undefined,
  pauseWall: <T>(waiting: Promise<T>) => waiting,
};

describe('serveHostCall', () => {
  it('answers with the binding of that name, its value as JSON', async () => {
    const result = await serveHostCall(
      { 'tools.add': (args) => Number(args[0]) + Number(args[1]) },
      'tools.add',
      '[2,3]',
      context,
    );
    expect(result).toEqual({ ok: true, payload: '5' });
  });

  it("refuses names that only the object's prototype has (constructor, __proto__, toString)", async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const result = await serveHostCall({ 'tools.add': () => 1 }, name, '[]', context);
      expect(result.ok, name).toBe(false);
      expect(JSON.parse(result.payload ?? '{}'), name).toEqual({
        name: 'ReferenceError',
        message: `${name} is not available in this sandbox`,
      });
    }
  });

  it('refuses a result too large to copy back, naming the binding', async () => {
    const result = await serveHostCall({ big: () => 'x'.repeat(8_000_001) }, 'big', '[]', context);
    expect(result.ok).toBe(false);
    expect(JSON.parse(result.payload ?? '{}').message).toMatch(/^the result of big is too large/);
  });
});

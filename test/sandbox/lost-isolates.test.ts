/**
 * An out-of-memory error V8 cannot recover from (one huge allocation, e.g. the table of an object or Map doubling)
 * parks the isolate's thread for good, with its heap. Such losses are bounded: past three in one
 * process, no new sandbox starts and the error says to restart. A file of its own, as the count is
 * per process (vitest runs each file in a process of its own).
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { lostIsolates, MAX_LOST_ISOLATES } from '../../src/sandbox/isolate-session.ts';
import { useSandboxes } from './helpers.ts';

const sandbox = useSandboxes();
// An object grown key by key: its dictionary's doubling is one allocation larger than what is left.
const KEY_BOMB = 'const o = {}; for (let i = 0; ; i++) o["k" + i] = i;';

describe('isolates lost beyond recovery', () => {
  it('each loss ends its run with a memory error that counts down; then new sandboxes are refused', async () => {
    expect(MAX_LOST_ISOLATES).toBe(3);
    for (let i = 1; i <= MAX_LOST_ISOLATES; i++) {
      const sb = sandbox({ limits: { memoryMb: 16 } });
      await sb.run('const kept = 1');
      const result = await sb.run(KEY_BOMB);
      expect(result.error).toMatchObject({ name: 'RangeError', limit: 'memory' });
      const left = MAX_LOST_ISOLATES - i;
      expect(result.error?.message).toBe(
        `Memory limit of 16 MB exceeded by one allocation too large for what was left (a Map, Set or object grown to millions of keys?); the sandbox was reset, so variables from earlier runs are gone. Keep such collections smaller or in pieces: this process can lose ${left} more sandbox${left === 1 ? '' : 'es'} this way before it must be restarted`,
      );
      expect(lostIsolates()).toEqual({ count: i, heldMb: 16 * i });
      if (i < MAX_LOST_ISOLATES) {
        // The same sandbox goes on, on a fresh isolate.
        expect(await sb.run('typeof kept')).toMatchObject({ ok: true, stateReset: true, data: 'undefined' });
      }
    }
    const refused = sandbox();
    const error = await refused.run('1').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toBe(
      'sandbox: 3 sandboxes ran out of memory in a way V8 cannot recover from (a Map, Set or object grown to millions of keys); their threads and about 48 MB stay taken until this process ends, so no new sandbox is started. Restart toolsmith to free them (a process manager can restart it on exit)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { describeSandboxProcesses } from '../../src/service/describe-sandbox-processes.ts';

const proc = (pid: number, sandboxes: number, flags: { tainted?: boolean; recycling?: boolean } = {}) => ({
  pid,
  sandboxes,
  rssBytes: 100 * 1024 * 1024,
  tainted: flags.tainted ?? false,
  recycling: flags.recycling ?? false,
});

describe('describeSandboxProcesses', () => {
  it('says nothing when the sandboxes run inline', () => {
    expect(describeSandboxProcesses([])).toBe('');
  });

  it('names the processes, what they hold, and those ending once empty and why', () => {
    expect(
      describeSandboxProcesses([
        proc(11, 3),
        proc(12, 1, { tainted: true }),
        proc(13, 0, { recycling: true }),
      ]),
    ).toBe(
      '3 sandbox processes (pid 11, 12, 13) hold 4 sandboxes in 300.0 MB resident; ending once empty: 1 lost an isolate, 1 past the RSS cap',
    );
  });
});

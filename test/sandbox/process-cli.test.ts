/**
 * `toolsmith sandbox` with a file that loses its isolate beyond recovery (an object grown to millions
 * of keys) as a user runs it: through the pool (the default) the command prints the error, goes on
 * with the next file in a fresh process and exits by itself with code 1; inline
 * (SANDBOX_WORKERS=inline) it prints everything and ends with SIGKILL, since a process holding a lost
 * isolate cannot exit. The test waits on the exit event, whatever it takes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsmith as run } from '../cli/helpers/cli-harness.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-oom-'));
  await writeFile(path.join(dir, 'bomb.js'), 'const o = {};\nfor (let i = 0; ; i++) o["k" + i] = i;\n');
  await writeFile(path.join(dir, 'after.js'), '6 * 7\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `toolsmith sandbox --json --memory-mb 16 bomb.js after.js` in the test's folder, with `env` added. */
function toolsmith(env: Record<string, string>) {
  return run(['sandbox', '--json', '--memory-mb', '16', 'bomb.js', 'after.js'], {
    cwd: dir,
    env: { HOME: dir, DATA_DIR: path.join(dir, 'data'), ...env },
  });
}

function results(
  stdout: string,
): { ok: boolean; data?: unknown; error?: { limit?: string }; stateReset?: boolean }[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('toolsmith sandbox after an isolate lost beyond recovery', () => {
  it('through the pool: the error, the next file in a fresh process, and a clean exit', async () => {
    const outcome = await toolsmith({});
    expect(outcome).toMatchObject({ code: 1, signal: null });
    const [bomb, after] = results(outcome.stdout);
    expect(bomb).toMatchObject({ ok: false, error: { limit: 'memory' } });
    expect(after).toMatchObject({ ok: true, data: 42, stateReset: true });
    expect(outcome.stderr).not.toContain('SIGKILL');
  });

  it('inline: everything printed, then the process ends itself with SIGKILL', async () => {
    const outcome = await toolsmith({ SANDBOX_WORKERS: 'inline' });
    expect(outcome.signal).toBe('SIGKILL');
    const [bomb, after] = results(outcome.stdout);
    expect(bomb).toMatchObject({ ok: false, error: { limit: 'memory' } });
    expect(after).toMatchObject({ ok: true, data: 42, stateReset: true });
    expect(outcome.stderr).toContain(
      'an isolate was lost beyond recovery (out of memory); ending with SIGKILL',
    );
  });
});

/**
 * `toolsmith sandbox` with a file that loses its isolate beyond recovery (an object grown to millions
 * of keys) as a user runs it: through the pool (the default) the command prints the error, goes on
 * with the next file in a fresh process and exits by itself with code 1; inline
 * (SANDBOX_WORKERS=inline) it prints everything and ends with SIGKILL, since a process holding a lost
 * isolate cannot exit. The test waits on the exit event, whatever it takes. And the flag isolated-vm
 * needs: toolsmith starts without it (Node's start-up snapshot is faster) and takes it when it must
 * hold isolates itself.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { toolsmith as run } from '../cli/helpers/cli-harness.ts';
import { waitFor } from '../helpers/fake-discord/wait-for.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-oom-'));
  await writeFile(path.join(dir, 'bomb.js'), 'const o = {};\nfor (let i = 0; ; i++) o["k" + i] = i;\n');
  await writeFile(path.join(dir, 'after.js'), '6 * 7\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The environment of a `toolsmith` run in the test's folder, with `env` added. The tests run
 * together, so each has its own DATA_DIR, named by `name`.
 */
function environment(name: string, env: Record<string, string> = {}) {
  return { HOME: dir, DATA_DIR: path.join(dir, `data-${name}`), ...env };
}

/** `toolsmith sandbox --json --memory-mb 16 bomb.js after.js` in the test's folder. */
function toolsmith(name: string, env: Record<string, string> = {}) {
  return run(['sandbox', '--json', '--memory-mb', '16', 'bomb.js', 'after.js'], {
    cwd: dir,
    env: environment(name, env),
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

describe.concurrent('toolsmith sandbox after an isolate lost beyond recovery', () => {
  it('through the pool: the error, the next file in a fresh process, and a clean exit', async ({
    expect,
  }) => {
    const outcome = await toolsmith('pool');
    expect(outcome).toMatchObject({ code: 1, signal: null });
    const [bomb, after] = results(outcome.stdout);
    expect(bomb).toMatchObject({ ok: false, error: { limit: 'memory' } });
    expect(after).toMatchObject({ ok: true, data: 42, stateReset: true });
    expect(outcome.stderr).not.toContain('SIGKILL');
  });

  it('inline: everything printed, then the process ends itself with SIGKILL', async ({ expect }) => {
    const outcome = await toolsmith('inline', { SANDBOX_WORKERS: 'inline' });
    expect(outcome.signal).toBe('SIGKILL');
    const [bomb, after] = results(outcome.stdout);
    expect(bomb).toMatchObject({ ok: false, error: { limit: 'memory' } });
    expect(after).toMatchObject({ ok: true, data: 42, stateReset: true });
    expect(outcome.stderr).toContain(
      'an isolate was lost beyond recovery (out of memory); ending with SIGKILL',
    );
  });
});

describe.concurrent('the flag isolated-vm needs (--no-node-snapshot)', () => {
  it('a process started without it refuses to hold isolates, saying what to do', ({ expect }) => {
    const createSandbox = new URL('../../src/sandbox/create-sandbox.ts', import.meta.url).href;
    const script = `import { createSandbox } from ${JSON.stringify(createSandbox)};
      try { createSandbox(); } catch (error) { console.log(error.name + ': ' + error.message); }`;
    const child = spawnSync(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(child.stdout.trim()).toBe(
      'UsageError: isolates in this process need Node started with --no-node-snapshot on its command line (isolated-vm on Node 20+): add the flag, or keep SANDBOX_WORKERS=process',
    );
  });

  it('toolsmith starts without it and, inline, becomes itself with it (same pid) before it runs code', async ({
    expect,
  }) => {
    let child: ChildProcess | undefined;
    const outcome = run(['sandbox', '--json', '-'], {
      cwd: dir,
      env: environment('restart', { SANDBOX_WORKERS: 'inline' }),
      input: null,
      onChild: (started) => {
        child = started;
      },
    });
    const cmdline = () => readFileSync(`/proc/${child?.pid}/cmdline`, 'utf8').split('\0');
    await waitFor(() => cmdline().includes('--no-node-snapshot'), {
      timeoutMs: 20_000,
      what: 'the process to restart itself with --no-node-snapshot',
    });
    child?.stdin?.end('6 * 7');
    const { code, stdout } = await outcome;
    expect(code).toBe(0);
    expect(results(stdout)).toMatchObject([{ ok: true, data: 42 }]);
  });
});

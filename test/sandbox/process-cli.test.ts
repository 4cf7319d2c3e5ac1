/**
 * `toolsmith sandbox` with a file that loses its isolate beyond recovery (an object grown to millions
 * of keys) as a user runs it: through the pool (the default) the command prints the error, goes on
 * with the next file in a fresh process and exits by itself with code 1; inline
 * (SANDBOX_WORKERS=inline) it prints everything and ends with SIGKILL, since a process holding a lost
 * isolate cannot exit. The test waits on the exit event, whatever it takes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-oom-'));
  await writeFile(path.join(dir, 'bomb.js'), 'const o = {};\nfor (let i = 0; ; i++) o["k" + i] = i;\n');
  await writeFile(path.join(dir, 'after.js'), '6 * 7\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function toolsmith(env: Record<string, string>) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--no-node-snapshot',
          '--disable-warning=ExperimentalWarning',
          MAIN,
          'sandbox',
          '--json',
          '--memory-mb',
          '16',
          'bomb.js',
          'after.js',
        ],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: dir,
            DATA_DIR: path.join(dir, 'data'),
            NO_COLOR: '1',
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
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

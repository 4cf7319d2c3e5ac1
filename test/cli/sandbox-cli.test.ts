/**
 * `toolsmith sandbox FILE...` as a user runs it: a child process of this Node, in a temporary
 * folder with a clean environment (no .env, no mcp.json), files and stdin in one session.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
import { toolsmith as run } from './helpers/cli-harness.ts';

const RunResultLine = z.object({
  ok: z.boolean(),
  value: z.string().optional(),
  data: z.unknown().optional(),
  logs: z.array(z.object({ level: z.enum(['log', 'info', 'warn', 'error', 'debug']), text: z.string() })),
  error: z
    .object({
      name: z.string(),
      message: z.string(),
      line: z.number().optional(),
      limit: z.string().optional(),
    })
    .optional(),
  durationMs: z.number(),
  truncated: z.boolean().optional(),
  stateReset: z.boolean().optional(),
});

let dir = '';

/** `toolsmith sandbox args` in the test's folder; `stdin` is piped in, `env` added. */
function toolsmith(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return run(['sandbox', ...args], {
    cwd: dir,
    env: { HOME: dir, DATA_DIR: path.join(dir, 'data'), ...options.env },
    ...(options.stdin !== undefined ? { input: options.stdin } : {}),
  });
}

function jsonLines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((line) => RunResultLine.parse(JSON.parse(line)));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-cli-'));
  await writeFile(
    path.join(dir, 'define.ts'),
    'const rate: number = 0.2;\nfunction tax(x: number) { return x * rate; }\n',
  );
  await writeFile(path.join(dir, 'use.js'), 'console.log("tax of 50 is", tax(50));\ntax(100)\n');
  await writeFile(path.join(dir, 'fail.js'), 'const rows = [];\nrows[0].name\n');
  await writeFile(path.join(dir, 'after.js'), 'rate * 10\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The sessions are separate processes reading the same files: the tests run together.
describe.concurrent('toolsmith sandbox', () => {
  it('runs several files in one session and exits 0 when all are ok', async ({ expect }) => {
    const result = await toolsmith(['define.ts', 'use.js']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('── define.ts ──');
    expect(lines[1]).toBe('(no output and no value: log or return what you need to see)');
    expect(lines[2]).toMatch(/^\(ok in [\d.]+ ms\)$/);
    expect(lines.slice(3, 6)).toEqual(['── use.js ──', 'tax of 50 is 10', '=> 20']);
  });

  it('reads - from stdin, in its place among the files', async ({ expect }) => {
    const result = await toolsmith(['define.ts', '-', 'after.js'], {
      stdin: 'const doubled = tax(10) * 2;\ndoubled',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('── - ──\n=> 4\n');
    expect(result.stdout).toContain('── after.js ──\n=> 2\n');
  });

  it('prints one RunResult per line with --json', async ({ expect }) => {
    const result = await toolsmith(['--json', 'define.ts', 'use.js', 'fail.js']);
    expect(result.code).toBe(1);
    const runs = jsonLines(result.stdout);
    expect(runs).toHaveLength(3);
    expect(runs[0]).toMatchObject({ ok: true, logs: [] });
    expect(runs[1]).toMatchObject({
      ok: true,
      value: '20',
      data: 20,
      logs: [{ level: 'log', text: 'tax of 50 is 10' }],
    });
    expect(runs[2]).toMatchObject({ ok: false, error: { name: 'TypeError', line: 2 } });
  });

  it('exits 1 when a run fails, still running the files after it', async ({ expect }) => {
    const result = await toolsmith(['define.ts', 'fail.js', 'after.js']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        "TypeError: Cannot read properties of undefined (reading 'name')",
        '  at line 2, column 9:',
        '2 | rows[0].name',
        '            ^',
      ].join('\n'),
    );
    expect(result.stdout).toMatch(/\(failed in [\d.]+ ms\)/);
    expect(result.stdout).toContain('── after.js ──\n=> 2\n');
  });

  it('exits 2 with one line for usage and configuration errors', async ({ expect }) => {
    const [none, missing, badFlag, badEnv] = await Promise.all([
      toolsmith([]),
      toolsmith(['nope.js']),
      toolsmith(['--timeout-ms', '0', 'define.ts']),
      toolsmith(['define.ts'], { env: { SANDBOX_MEMORY_MB: 'lots' } }),
    ]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toBe('error: toolsmith sandbox needs at least one FILE (or - for stdin)\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read nope\.js: ENOENT/);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toBe('error: --timeout-ms must be a positive whole number (got "0")\n');
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/^error: SANDBOX_MEMORY_MB: expected a whole number >= 8 \(got "lots"\)/);
  });

  it('applies the limit flags and the limits from the environment', async ({ expect }) => {
    // Four sessions of their own, started together.
    const [busy, waiting, bomb, chatty] = await Promise.all([
      toolsmith(['--json', '--timeout-ms', '50', '-'], { stdin: 'while (true) {}' }),
      toolsmith(['--json', '--wall-ms', '100', '-'], { stdin: 'await new Promise(() => {})' }),
      toolsmith(['--json', '--memory-mb', '16', '-'], {
        stdin: 'const a = []; for (;;) a.push(new Array(100_000).fill(1));',
      }),
      toolsmith(['--json', '-'], {
        stdin: 'for (let i = 0; i < 1000; i++) console.log("line " + i);',
        env: { SANDBOX_MAX_OUTPUT_CHARS: '200' },
      }),
    ]);
    expect(busy.code).toBe(1);
    expect(jsonLines(busy.stdout)[0]?.error).toMatchObject({
      limit: 'cpu',
      message: expect.stringMatching(/50 ms/),
    });
    expect(jsonLines(waiting.stdout)[0]?.error).toMatchObject({
      limit: 'wall',
      message: expect.stringMatching(/100 ms/),
    });
    expect(jsonLines(bomb.stdout)[0]?.error).toMatchObject({
      limit: 'memory',
      message: expect.stringMatching(/16 MB/),
    });
    const [run] = jsonLines(chatty.stdout);
    expect(run).toMatchObject({ ok: true, truncated: true });
    expect(run?.logs.at(-1)?.text).toBe('line 999');
  });
});

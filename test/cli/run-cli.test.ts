import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, vi } from 'vitest';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { toolsmith as cli, itWithFakeApi, toolsmithPty } from './helpers/cli-harness.ts';

// Each test starts toolsmith processes; on a busy machine one takes several seconds to start.
vi.setConfig({ testTimeout: 120_000 });

/** `toolsmith args` over pipes in `cwd` with exactly `env` (see the CLI harness). */
const toolsmith = (args: string[], env: Record<string, string>, cwd: string) => cli(args, { env, cwd });

/** Each test has its own fake Messages API and folder, so the tests run together. */
const it = itWithFakeApi('cli-key');

describe.concurrent('toolsmith run', () => {
  it('runs a task end to end with a file and prints the answer (exit 0)', async ({ fake, dir, expect }) => {
    await writeFile(path.join(dir, 'numbers.csv'), 'n\n1\n2\n39\n');
    fake.reply(
      fake.code(
        "const { text } = await tools.workspace.readText({ path: 'numbers.csv' });\ntext.split('\\n').slice(1).filter(Boolean).map(Number).reduce((a, b) => a + b, 0)",
      ),
      fake.text('The total is 42.'),
    );
    const env = {
      ANTHROPIC_API_KEY: 'cli-key',
      ANTHROPIC_BASE_URL: fake.url,
      DATA_DIR: path.join(dir, 'data'),
    };
    const result = await toolsmith(
      ['run', 'sum the numbers', '--file', path.join(dir, 'numbers.csv')],
      env,
      dir,
    );
    expect(result.stderr).toContain('step 1/12');
    expect(result.stdout.trim()).toBe('The total is 42.');
    expect(result.code).toBe(0);
    const observation = JSON.stringify(fake.requests[1]?.body?.messages.at(-1));
    expect(observation).toContain('=> 42');
    expect(result.stdout + result.stderr).not.toContain('cli-key');
  });

  it('prints the report as JSON with --json and exits 1 when the task fails', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.replyWith(({ index }) => fake.code(`${index} + 1`));
    const env = {
      ANTHROPIC_API_KEY: 'cli-key',
      ANTHROPIC_BASE_URL: fake.url,
      DATA_DIR: path.join(dir, 'data'),
      AGENT_MAX_STEPS: '2',
    };
    const result = await toolsmith(['run', 'never ends', '--json'], env, dir);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, steps: 2, stopReason: 'max-steps', files: [] });
    expect(report.usage.inputTokens).toBe(200);
    expect(typeof report.costUsd).toBe('number');
    expect(typeof report.durationMs).toBe('number');
  });

  it('says what to set when ANTHROPIC_API_KEY is missing (exit 2)', async ({ dir, expect }) => {
    const result = await toolsmith(['run', 'anything'], { DATA_DIR: path.join(dir, 'data') }, dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error: ANTHROPIC_API_KEY: not set; toolsmith run needs it. Set ANTHROPIC_API_KEY in .env or the environment',
    );
  });

  it('names a malformed setting in one line (exit 2)', async ({ dir, expect }) => {
    const result = await toolsmith(['run', 'x'], { ANTHROPIC_API_KEY: 'k', SANDBOX_MEMORY_MB: 'lots' }, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SANDBOX_MEMORY_MB: expected a whole number >= 8 (got "lots")');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe.concurrent('toolsmith run, as a person sees it', () => {
  const env = (fake: FakeAnthropic, dir: string) => ({
    ANTHROPIC_API_KEY: 'cli-key',
    ANTHROPIC_BASE_URL: fake.url,
    DATA_DIR: path.join(dir, 'data'),
    SKILLS_LEARN: 'false',
  });

  it('prints the answer once (stdout only), the failing line with a caret, and a summary on stderr', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(
      fake.code('const rows = null;\nrows.length', { text: 'Let me look at the rows.' }),
      fake.code('40 + 2'),
      fake.text('The total is 42.'),
    );
    const result = await cli(['run', 'sum the numbers'], { env: env(fake, dir), cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The total is 42.\n');
    expect(result.stderr).not.toContain('The total is 42.');
    expect(result.stderr).toContain('Let me look at the rows.\n  │ const rows = null;\n');
    expect(result.stderr).toContain(
      "TypeError: Cannot read properties of null (reading 'length')\n  at line 2, column 6:\n2 | rows.length\n         ^\n",
    );
    expect(result.stderr).toMatch(/✓ answered · 3 steps · \d+\.\d s · 360 tokens · \$\d\.\d{4}\n/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a pipe gets no status line and no colour
    expect(result.stderr).not.toMatch(/\x1b/);
  });

  it('says once that the model could not be reached, and exits 1 with nothing on stdout', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(fake.httpError(500, { message: 'boom' }));
    const result = await cli(['run', 'anything'], {
      env: { ...env(fake, dir), ANTHROPIC_MAX_RETRIES: '0' },
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('The model could not be reached').length - 1).toBe(1);
    expect(result.stderr).toContain('✗ not answered (error)');
  });

  it('prints exactly one JSON document through bin/toolsmith.js: ok is "answered", with stopReason', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(fake.code('40 + 2'), fake.text('42'));
    const bin = path.resolve(import.meta.dirname, '../../bin/toolsmith.js');
    const result = await cli(['run', 'add', '--json'], {
      env: env(fake, dir),
      cwd: dir,
      command: [process.execPath, bin],
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      stopReason: 'answered',
      answer: '42',
      steps: 2,
      codeRuns: 1,
      failedRuns: 0,
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('stops on Ctrl-C: the step is cancelled, said once, exit 130', async ({ fake, dir, expect }) => {
    fake.reply(fake.code('1 + 1', { delayMs: 30_000 }));
    const result = await cli(['run', 'slow'], {
      env: env(fake, dir),
      cwd: dir,
      onChild: (child) => void fake.waitForRequests(1).then(() => child.kill('SIGINT')),
    });
    expect(result.code).toBe(130);
    expect(result.stderr.split('Stopped: the task was cancelled.').length - 1).toBe(1);
    expect(result.stderr).toContain('✗ not answered (aborted)');
    expect(result.stdout).toBe('');
  });

  it('refuses a --file over the attachment limit before anything starts (exit 2)', async ({
    fake,
    dir,
    expect,
  }) => {
    await writeFile(path.join(dir, 'big.csv'), 'x'.repeat(4096));
    const result = await cli(['run', 'read it', '--file', 'big.csv'], {
      env: { ...env(fake, dir), MAX_ATTACHMENT_BYTES: '1024' },
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --file big.csv is 4.0 KB, over the 1.0 KB limit for one file (1024 bytes, MAX_ATTACHMENT_BYTES)\n',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects an unknown flag with the command usage (exit 2)', async ({ fake, dir, expect }) => {
    const result = await cli(['run', 'x', '--jsn'], { env: env(fake, dir), cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: Unknown option '--jsn'");
    expect(result.stderr).toContain('usage: toolsmith run "task" [--file PATH]...');
  });

  it('on a terminal shows a live status line while the model works and renders the Markdown answer', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(
      fake.code('40 + 2', { delayMs: 1500 }),
      fake.text('The **total** is 42.\n\n| Region | Total |\n|---|---|\n| North | 42 |'),
    );
    const pty = toolsmithPty(['run', 'sum'], { env: { ...env(fake, dir), NO_COLOR: '' }, cwd: dir });
    expect(await pty.exited).toBe(0);
    const screen = pty.screen();
    expect(screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] step 1\/12 · \d+\.\d s · waiting for the model/);
    expect(screen).toContain('\x1b[1mtotal\x1b[22m');
    expect(pty.text()).toContain('Region │ Total\n───────┼──────\nNorth  │    42');
    expect(pty.text()).not.toContain('**');
  });
});

describe('toolsmith itself', () => {
  it('prints its version, and help with a line per command', async ({ expect }) => {
    const version = await cli(['--version'], { env: {} });
    const pkg = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await cli(['--help'], { env: {} });
    expect(help.code).toBe(0);
    for (const name of ['chat', 'run', 'sessions', 'status', 'doctor', 'bot', 'tools', 'skills', 'sandbox'])
      expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S.+$`, 'm'));
  });
});

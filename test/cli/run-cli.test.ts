import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

function toolsmith(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', MAIN, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let fake: FakeAnthropic;
let dir: string;
beforeEach(async () => {
  fake = await createFakeAnthropic({ apiKey: 'cli-key' });
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-cli-'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('toolsmith run', () => {
  it('runs a task end to end with a file and prints the answer (exit 0)', async () => {
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

  it('prints the report as JSON with --json and exits 1 when the task fails', async () => {
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

  it('says what to set when ANTHROPIC_API_KEY is missing (exit 2)', async () => {
    const result = await toolsmith(['run', 'anything'], { DATA_DIR: path.join(dir, 'data') }, dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error: ANTHROPIC_API_KEY: not set; toolsmith run needs it. Set ANTHROPIC_API_KEY in .env or the environment',
    );
  });

  it('names a malformed setting in one line (exit 2)', async () => {
    const result = await toolsmith(['run', 'x'], { ANTHROPIC_API_KEY: 'k', SANDBOX_MEMORY_MB: 'lots' }, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SANDBOX_MEMORY_MB: expected a whole number >= 8 (got "lots")');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

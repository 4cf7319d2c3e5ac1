/**
 * `toolsmith run --model ID`: the model is one of ALLOWED_MODELS with its MODEL_OPTIONS (here a
 * local server in fenced mode), through the real CLI process, against two fake Messages APIs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it as base, describe } from 'vitest';
import { toolsmith as cli } from '../cli/helpers/cli-harness.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';

/** `toolsmith args` over pipes in `cwd` with exactly `env` (see the CLI harness). */
const toolsmith = (args: string[], env: Record<string, string>, cwd: string) => cli(args, { env, cwd });

interface Setup {
  claude: FakeAnthropic;
  local: FakeAnthropic;
  dir: string;
  env: Record<string, string>;
}

/** Each test has its own two fake APIs and folder, so the two run together. */
const it = base.extend<{ setup: Setup }>({
  // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
  setup: async ({}, use) => {
    const claude = await createFakeAnthropic({ apiKey: 'cli-key-0123456789' });
    const local = await createFakeAnthropic();
    const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-model-flag-'));
    const env = {
      ANTHROPIC_API_KEY: 'cli-key-0123456789',
      ANTHROPIC_BASE_URL: claude.url,
      DATA_DIR: path.join(dir, 'data'),
      ALLOWED_MODELS: 'claude-sonnet-5-5,qwen',
      MODEL_OPTIONS: JSON.stringify({
        qwen: { baseUrl: local.url, actions: 'fenced', promptCaching: false },
      }),
      SKILLS_LEARN: 'false',
    };
    await use({ claude, local, dir, env });
    await claude.close();
    await local.close();
    await rm(dir, { recursive: true, force: true });
  },
});

describe.concurrent('toolsmith run --model', () => {
  it('runs the task on the chosen model: its server, no key, no tools, and says the cost is unknown', async ({
    setup: { claude, local, dir, env },
    expect,
  }) => {
    local.reply(local.text('Hello from qwen.'));
    const result = await toolsmith(['run', 'say hello', '--model', 'qwen'], env, dir);
    expect(result.stderr).toContain('cost unknown');
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from qwen.\n' });
    expect(claude.requests).toHaveLength(0);
    const sent = local.requests[0];
    expect(sent?.body?.model).toBe('qwen');
    expect(sent?.apiKey).toBe('none');
    expect(sent?.raw).not.toContain('"tools"');
    expect(sent?.raw).toContain('fenced block tagged `js`');
  }, 60_000);

  it('refuses a model that is not allowed, naming the allowed ones (exit 2)', async ({
    setup: { claude, local, dir, env },
    expect,
  }) => {
    const result = await toolsmith(['run', 'say hello', '--model', 'claude-opus-4-5'], env, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'model "claude-opus-4-5" is not allowed. Pick one of: claude-sonnet-5-5, qwen',
    );
    expect(claude.requests.length + local.requests.length).toBe(0);
  }, 60_000);
});

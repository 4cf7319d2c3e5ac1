/**
 * `toolsmith run --model ID`: the model is one of ALLOWED_MODELS with its MODEL_OPTIONS (here a
 * local server in fenced mode), through the real CLI process, against two fake Messages APIs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toolsmith as cli } from '../cli/helpers/cli-harness.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';

/** `toolsmith args` over pipes in `cwd` with exactly `env` (see the CLI harness). */
const toolsmith = (args: string[], env: Record<string, string>, cwd: string) => cli(args, { env, cwd });

let claude: FakeAnthropic;
let local: FakeAnthropic;
let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  claude = await createFakeAnthropic({ apiKey: 'cli-key-0123456789' });
  local = await createFakeAnthropic();
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-model-flag-'));
  env = {
    ANTHROPIC_API_KEY: 'cli-key-0123456789',
    ANTHROPIC_BASE_URL: claude.url,
    DATA_DIR: path.join(dir, 'data'),
    ALLOWED_MODELS: 'claude-sonnet-5-5,qwen',
    MODEL_OPTIONS: JSON.stringify({ qwen: { baseUrl: local.url, actions: 'fenced', promptCaching: false } }),
    SKILLS_LEARN: 'false',
  };
});
afterEach(async () => {
  await claude.close();
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

describe('toolsmith run --model', () => {
  it('runs the task on the chosen model: its server, no key, no tools, and says the cost is unknown', async () => {
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

  it('refuses a model that is not allowed, naming the allowed ones (exit 2)', async () => {
    const result = await toolsmith(['run', 'say hello', '--model', 'claude-opus-4-5'], env, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'model "claude-opus-4-5" is not allowed. Pick one of: claude-sonnet-5-5, qwen',
    );
    expect(claude.requests.length + local.requests.length).toBe(0);
  }, 60_000);
});

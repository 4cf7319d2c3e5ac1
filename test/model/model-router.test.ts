/**
 * createModelRouter and MODEL_OPTIONS: one Toolsmith, Claude for some models and a local server
 * for another, with the real client and SDK against two fake Messages APIs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { createModelRouter } from '../../src/model/create-model-router.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { KEY, request, user } from './harness.ts';

const LOCAL_KEY = 'local-server-key-9876543210';
let claude: FakeAnthropic;
let local: FakeAnthropic;
let dir: string;

beforeEach(async () => {
  claude = await createFakeAnthropic({ apiKey: KEY });
  local = await createFakeAnthropic();
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-models-'));
});
afterEach(async () => {
  await claude.close();
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ANTHROPIC_API_KEY: KEY,
  ANTHROPIC_BASE_URL: claude.url,
  ANTHROPIC_MODEL: 'claude-sonnet-4-6',
  ...extra,
});

const configError = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('createModelRouter', () => {
  it('sends each model to its own server: ANTHROPIC_API_KEY never goes to the local one', async () => {
    const config = loadConfig(
      env({
        ALLOWED_MODELS: 'claude-sonnet-4-6,qwen',
        MODEL_OPTIONS: JSON.stringify({
          qwen: { baseUrl: local.url, model: 'qwen3-coder:30b', actions: 'fenced', promptCaching: false },
        }),
      }),
      dir,
    );
    const router = createModelRouter(config);
    claude.reply(claude.text('from claude'));
    local.reply(local.text('from qwen'));

    const qwen = router.get('qwen');
    expect(qwen.modelId).toBe('qwen');
    expect(qwen.actions).toBe('fenced');
    expect((await qwen.complete(request())).content).toEqual([{ type: 'text', text: 'from qwen' }]);
    expect((await router.get().complete(request())).content).toEqual([{ type: 'text', text: 'from claude' }]);

    const sent = local.requests[0];
    expect(sent?.body?.model).toBe('qwen3-coder:30b');
    expect(sent?.apiKey).toBe('none');
    expect(JSON.stringify(sent?.headers)).not.toContain(KEY);
    expect(sent?.raw).not.toContain('cache_control');
    expect(claude.requests[0]?.apiKey).toBe(KEY);
    expect(router.get('qwen')).toBe(qwen);
  });

  it('sends the key apiKeyEnv names, and redacts it from what any model is sent', async () => {
    const config = loadConfig(
      env({
        LOCAL_LLM_PASS: LOCAL_KEY,
        ALLOWED_MODELS: 'claude-sonnet-4-6,qwen',
        MODEL_OPTIONS: JSON.stringify({ qwen: { baseUrl: local.url, apiKeyEnv: 'LOCAL_LLM_PASS' } }),
      }),
      dir,
    );
    const router = createModelRouter(config);
    local.reply(local.text('ok'));
    claude.reply(claude.text('ok'));
    await router.get('qwen').complete(request());
    // Sandbox output that printed the local key must not reach Claude.
    await router.get().complete(request({ messages: [user(`the key is ${LOCAL_KEY}`)] }));
    expect(local.requests[0]?.apiKey).toBe(LOCAL_KEY);
    expect(claude.requests[0]?.raw).not.toContain(LOCAL_KEY);
    expect(claude.requests[0]?.raw).toContain('the key is [redacted]');
  });

  it('waits timeoutMs for a slow local server, and gives up past it', async () => {
    const config = loadConfig(
      env({
        ALLOWED_MODELS: 'claude-sonnet-4-6,slow,slower',
        MODEL_OPTIONS: JSON.stringify({
          slow: { baseUrl: local.url, timeoutMs: 3000 },
          slower: { baseUrl: local.url, timeoutMs: 1000 },
        }),
        ANTHROPIC_MAX_RETRIES: '0',
      }),
      dir,
    );
    const router = createModelRouter(config);
    // Both answers take 1.5 s; asked together, one model waits for it and the other gives up.
    local.reply(
      local.delayed(1500, local.text('late but fine')),
      local.delayed(1500, local.text('late but fine')),
    );
    const [slow, slower] = await Promise.allSettled([
      router.get('slow').complete(request()),
      router.get('slower').complete(request()),
    ]);
    expect(slow.status === 'fulfilled' && slow.value.content).toEqual([
      { type: 'text', text: 'late but fine' },
    ]);
    expect(slower.status === 'rejected' && String(slower.reason)).toMatch(/timed out/);
  });

  it('lists the allowed models, the default first, with how each is used', () => {
    const config = loadConfig(
      env({
        AGENT_ACTIONS: 'tools',
        ALLOWED_MODELS: 'claude-opus-4-5, qwen, priced-local',
        MODEL_OPTIONS: JSON.stringify({
          qwen: { baseUrl: local.url, actions: 'fenced', promptCaching: false },
          'priced-local': { baseUrl: local.url, pricing: { input: 0, output: 0 } },
        }),
      }),
      dir,
    );
    expect(createModelRouter(config).models()).toEqual([
      { id: 'claude-sonnet-4-6', default: true, actions: 'tools', promptCaching: true, priced: true },
      { id: 'claude-opus-4-5', default: false, actions: 'tools', promptCaching: true, priced: true },
      { id: 'qwen', default: false, actions: 'fenced', promptCaching: false, priced: false },
      { id: 'priced-local', default: false, actions: 'tools', promptCaching: true, priced: true },
    ]);
  });

  it('allows only ANTHROPIC_MODEL by default, and AGENT_ACTIONS sets how it acts', () => {
    const router = createModelRouter(loadConfig(env({ AGENT_ACTIONS: 'fenced' }), dir));
    expect(router.models().map((m) => m.id)).toEqual(['claude-sonnet-4-6']);
    expect(router.get().actions).toBe('fenced');
  });

  it('refuses a model that is not allowed, naming the ones that are', () => {
    const router = createModelRouter(loadConfig(env({ ALLOWED_MODELS: 'claude-haiku-4-5' }), dir));
    expect(() => router.get('claude-opus-4-5')).toThrow(UsageError);
    expect(() => router.get('claude-opus-4-5')).toThrow(
      'model "claude-opus-4-5" is not allowed. Pick one of: claude-sonnet-4-6, claude-haiku-4-5',
    );
    // The operator's distillation model is always usable.
    expect(router.get('claude-haiku-5-5').modelId).toBe('claude-haiku-5-5');
  });

  it('stops start-up when apiKeyEnv names a variable that is not set', () => {
    const config = loadConfig(
      env({ MODEL_OPTIONS: JSON.stringify({ qwen: { baseUrl: local.url, apiKeyEnv: 'MISSING_KEY' } }) }),
      dir,
    );
    expect(configError(() => createModelRouter(config)).message).toBe(
      'MODEL_OPTIONS: "qwen".apiKeyEnv names MISSING_KEY, which is not set. Set MISSING_KEY in .env or the environment, or remove apiKeyEnv',
    );
  });
});

describe('MODEL_OPTIONS', () => {
  it('reads a JSON file relative to the working folder', async () => {
    await writeFile(path.join(dir, 'models.json'), JSON.stringify({ qwen: { actions: 'fenced' } }));
    const config = loadConfig(env({ MODEL_OPTIONS: 'models.json' }), dir);
    expect(config.anthropic.modelOptions).toEqual({ qwen: { actions: 'fenced' } });
  });

  it.each([
    [{ qwen: { actions: 'text' } }, '"qwen".actions: expected "tools" or "fenced"'],
    [{ qwen: { baseUrl: 'ftp://host' } }, '"qwen".baseUrl: expected an http(s) URL'],
    [
      { qwen: { baseUrl: 'http://user:pw@host' } },
      '"qwen".baseUrl: must not contain a user name or password',
    ],
    [{ qwen: { apiKey: 'sk-inline' } }, '"qwen": Unrecognized key: "apiKey"'],
    [{ qwen: { apiKeyEnv: 'not a name' } }, '"qwen".apiKeyEnv: expected an environment variable name'],
    [{ qwen: { pricing: { input: -1, output: 0 } } }, '"qwen".pricing.input:'],
    [{ qwen: { promptCaching: 'no' } }, '"qwen".promptCaching: expected true or false'],
    [{ qwen: { timeoutMs: 10 } }, '"qwen".timeoutMs: expected at least 1000 ms'],
    [['qwen'], 'the value:'],
  ])('refuses %j with one line naming the field', (value, message) => {
    const error = configError(() => loadConfig(env({ MODEL_OPTIONS: JSON.stringify(value) }), dir));
    expect(error.key).toBe('MODEL_OPTIONS');
    expect(error.message).toContain(`MODEL_OPTIONS: ${message}`);
    expect(error.message).not.toContain('\n');
  });

  it('says when the value is not JSON or the file cannot be read', () => {
    expect(configError(() => loadConfig(env({ MODEL_OPTIONS: '{ qwen: 1 }' }), dir)).message).toMatch(
      /^MODEL_OPTIONS: the value is not valid JSON/,
    );
    expect(configError(() => loadConfig(env({ MODEL_OPTIONS: 'missing.json' }), dir)).message).toContain(
      `cannot read ${path.join(dir, 'missing.json')}`,
    );
  });

  it('refuses an AGENT_ACTIONS other than tools or fenced', () => {
    expect(configError(() => loadConfig(env({ AGENT_ACTIONS: 'json' }), dir)).message).toContain(
      'AGENT_ACTIONS: expected tools or fenced',
    );
  });
});

/** The model client built from configuration: ANTHROPIC_* keys reach the wire. */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultModels, loadConfig } from '../../src/config.ts';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { KEY, rejection, request } from './harness.ts';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
});

describe('createAnthropicModel: configuration', () => {
  it('sends to ANTHROPIC_BASE_URL with ANTHROPIC_API_KEY, ANTHROPIC_MODEL and ANTHROPIC_MAX_RETRIES', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    fake.reply(fake.overloaded({ retryAfterMs: 1 }), fake.overloaded({ retryAfterMs: 1 }));
    const config = loadConfig({
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_MODEL: 'claude-haiku-4-5',
      ANTHROPIC_MAX_RETRIES: '1',
    });
    const model = createAnthropicModel(config.anthropic);
    expect(model.modelId).toBe('claude-haiku-4-5');
    const error = await rejection(model.complete(request()));
    expect(error.message).toMatch(/^Anthropic API: overloaded \(529\) after 1 retry/);
    expect(fake.requests.map((r) => [r.path, r.apiKey, r.body?.model])).toEqual([
      ['/v1/messages', KEY, 'claude-haiku-4-5'],
      ['/v1/messages', KEY, 'claude-haiku-4-5'],
    ]);
  });

  it('keeps the path of a gateway base URL', async () => {
    fake = await createFakeAnthropic({ apiKey: KEY });
    const model = createAnthropicModel({
      apiKey: KEY,
      baseUrl: `${fake.url}/gateway/anthropic/`,
      model: 'claude-sonnet-4-6',
    });
    const error = await rejection(model.complete(request()));
    expect(fake.requests[0]?.path).toBe('/gateway/anthropic/v1/messages');
    expect(error.message).toMatch(
      /not found \(404\): POST \/gateway\/anthropic\/v1\/messages is not served by the fake/,
    );
  });

  it('defaults to the default code model', () => {
    expect(createAnthropicModel({ apiKey: KEY }).modelId).toBe(defaultModels.code);
  });

  it('names ANTHROPIC_API_KEY when it is missing', () => {
    const config = loadConfig({});
    expect(() => createAnthropicModel(config.anthropic)).toThrow(ConfigError);
    expect(() => createAnthropicModel(config.anthropic)).toThrow(
      /^ANTHROPIC_API_KEY: not set; the model client needs it/,
    );
  });

  it.each([
    [
      'not a URL',
      'gateway example com',
      /^ANTHROPIC_BASE_URL: expected a URL such as https:\/\/api.anthropic.com$/,
    ],
    [
      'credentials in the URL',
      'https://user:hunter22@gateway.example.com',
      /^ANTHROPIC_BASE_URL: must not contain a user name or password/,
    ],
    [
      'another protocol',
      'ftp://gateway.example.com',
      /^ANTHROPIC_BASE_URL: expected http or https \(got ftp:\)$/,
    ],
  ])('rejects a base URL with %s, without echoing it', (_name, baseUrl, message) => {
    const make = () => createAnthropicModel({ apiKey: KEY, baseUrl });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
    expect(() => make()).not.toThrow(/hunter22/);
  });

  it('rejects a negative maxRetries', () => {
    expect(() => createAnthropicModel({ apiKey: KEY, maxRetries: -1 })).toThrow(UsageError);
  });
});

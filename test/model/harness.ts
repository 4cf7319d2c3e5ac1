/** Shared setup of the model tests: the real client against the fake Messages API. */
import { type AnthropicModelOptions, createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import type { Message, Model, ModelEvent, ModelRequest, ToolSpec } from '../../src/model/types.ts';
import {
  createFakeAnthropic,
  type FakeAnthropic,
  type FakeAnthropicOptions,
} from '../helpers/fake-anthropic.ts';

export const KEY = 'sk-ant-test-0123456789abcdef';

/** A model id the SDK does not warn about (it prints a deprecation warning for claude-sonnet-4-5). */
export const MODEL = 'claude-sonnet-4-6';

export const RUN_CODE: ToolSpec = {
  name: 'run_code',
  description: 'Run JavaScript in the sandbox',
  inputSchema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
};

export function user(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    system: 'You are Toolsmith.',
    messages: [user('What is 1 + 2?')],
    tools: [RUN_CODE],
    ...overrides,
  };
}

export interface Harness {
  fake: FakeAnthropic;
  model: Model;
  /** Waits passed to the injected sleep (only when `fakeSleep` is set). */
  sleeps: number[];
}

/** A fake API requiring KEY and a model pointed at it, with fast backoff. */
export async function setup(
  options: Partial<AnthropicModelOptions> & { fakeSleep?: boolean } = {},
  fakeOptions: FakeAnthropicOptions = {},
): Promise<Harness> {
  const fake = await createFakeAnthropic({ apiKey: KEY, ...fakeOptions });
  const sleeps: number[] = [];
  const { fakeSleep, ...rest } = options;
  const model = createAnthropicModel({
    apiKey: KEY,
    baseUrl: fake.url,
    model: MODEL,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
    ...(fakeSleep
      ? {
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        }
      : {}),
    ...rest,
  });
  return { fake, model, sleeps };
}

/** Collects the events of one call. */
export function recorder(): {
  events: ModelEvent[];
  onEvent: (event: ModelEvent) => void;
  text: () => string;
} {
  const events: ModelEvent[] = [];
  return {
    events,
    onEvent: (event) => events.push(event),
    text: () => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join(''),
  };
}

/** The rejection of a promise (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

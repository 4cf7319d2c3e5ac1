/**
 * The models a Toolsmith may use, and one client each: ANTHROPIC_MODEL (the default), the ones in
 * ALLOWED_MODELS (what members may pick), and SKILLS_DISTILL_MODEL, each with its MODEL_OPTIONS
 * (server, key, action protocol, caching, prices). The task service asks for a model by id per
 * session; an id outside the list is refused with the list.
 */

import type { ModelOption } from '../config/model-options.ts';
import { type Config, secretsOf } from '../config.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { type AnthropicModelOptions, createAnthropicModel } from './create-anthropic-model.ts';
import { type Prices, priceOf } from './pricing.ts';
import type { ActionProtocol, Model } from './types.ts';

/** What a front end may show about a model (`/model`, `--model`): nothing secret, no server address. */
export interface ModelInfo {
  id: string;
  /** True for ANTHROPIC_MODEL, used when none is picked. */
  default: boolean;
  actions: ActionProtocol;
  promptCaching: boolean;
  /** False when the cost of this model is unknown (no built-in price and no MODEL_OPTIONS pricing). */
  priced: boolean;
}

export interface ModelRouter {
  /** The models members may pick (ALLOWED_MODELS; default ANTHROPIC_MODEL only), the default first. */
  models(): ModelInfo[];
  /** The model for `id` (one client per id, made on first use); a UsageError for an id not allowed. */
  get(id?: string): Model;
}

/** Placeholder key for servers that need none (the SDK requires one; Ollama and llama-server ignore it). */
const NO_KEY = 'none';

/** What the router's clients share: the config, the keys of MODEL_OPTIONS, every secret to redact. */
interface RouterState {
  readonly config: Config;
  /** Model id -> its own API key (MODEL_OPTIONS `apiKeyEnv`). */
  readonly keys: Map<string, string>;
  readonly secrets: readonly string[];
  /** Options added to every client (tests: backoff, sleep). */
  readonly client: Partial<AnthropicModelOptions>;
}

/**
 * Create the router. Every MODEL_OPTIONS `apiKeyEnv` is checked now, so a missing key stops
 * start-up with a ConfigError naming the variable. `client` adds options to every client (tests:
 * backoff, sleep).
 */
export function createModelRouter(config: Config, client: Partial<AnthropicModelOptions> = {}): ModelRouter {
  const { anthropic } = config;
  const keys = keysOf(config);
  // Every key any model uses is redacted from what every model is sent.
  const state: RouterState = {
    config,
    keys,
    secrets: [...new Set([...secretsOf(config), ...keys.values()])],
    client,
  };
  const allowed = [...new Set([anthropic.model, ...anthropic.allowedModels])];
  const usable = new Set([...allowed, anthropic.distillModel]);
  const clients = new Map<string, Model>();

  return {
    models: () =>
      allowed.map((id) => {
        const settings = settingsOf(config, id);
        return {
          id,
          default: id === anthropic.model,
          actions: settings.actions,
          promptCaching: settings.promptCaching,
          priced: settings.pricing !== undefined || priceOf(settings.option.model ?? id).known,
        };
      }),
    get(id = anthropic.model) {
      const cached = clients.get(id);
      if (cached) return cached;
      if (!usable.has(id)) {
        throw new UsageError(`model "${id}" is not allowed`, {
          fix: `Pick one of: ${allowed.join(', ')} (an operator lists them in ALLOWED_MODELS)`,
        });
      }
      const model = makeModel(state, id);
      clients.set(id, model);
      return model;
    },
  };
}

/** The API key of each model whose MODEL_OPTIONS name one; a ConfigError for a variable not set. */
function keysOf(config: Config): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [id, option] of Object.entries(config.anthropic.modelOptions)) {
    if (!option.apiKeyEnv) continue;
    const value = config.env[option.apiKeyEnv]?.trim();
    if (!value) {
      throw new ConfigError(
        'MODEL_OPTIONS',
        `"${id}".apiKeyEnv names ${option.apiKeyEnv}, which is not set`,
        {
          fix: `Set ${option.apiKeyEnv} in .env or the environment, or remove apiKeyEnv`,
        },
      );
    }
    keys.set(id, value);
  }
  return keys;
}

/** A model's MODEL_OPTIONS with the defaults filled in. */
function settingsOf(config: Config, id: string) {
  const option: ModelOption = config.anthropic.modelOptions[id] ?? {};
  const pricing: Prices | undefined = option.pricing && {
    input: option.pricing.input,
    output: option.pricing.output,
    cacheWrite: option.pricing.cacheWrite ?? option.pricing.input,
    cacheRead: option.pricing.cacheRead ?? option.pricing.input,
  };
  return {
    option,
    actions: option.actions ?? config.anthropic.actions,
    promptCaching: option.promptCaching ?? true,
    pricing,
  };
}

/** The client of an allowed model id, known by that id whatever name its server knows it by. */
function makeModel(state: RouterState, id: string): Model {
  const { anthropic } = state.config;
  const { option, actions, promptCaching, pricing } = settingsOf(state.config, id);
  // ANTHROPIC_API_KEY goes only to ANTHROPIC_BASE_URL (or the Anthropic API), never to a
  // model's own server.
  const apiKey = state.keys.get(id) ?? (option.baseUrl ? NO_KEY : anthropic.apiKey);
  const made = createAnthropicModel({
    apiKey,
    baseUrl: option.baseUrl ?? anthropic.baseUrl,
    model: option.model ?? id,
    maxRetries: anthropic.maxRetries,
    secrets: state.secrets,
    actions,
    promptCaching,
    ...(pricing ? { pricing } : {}),
    ...(option.timeoutMs ? { timeoutMs: option.timeoutMs, idleTimeoutMs: option.timeoutMs } : {}),
    ...state.client,
  });
  return {
    modelId: id,
    actions,
    complete: (request, opts) => made.complete(request, opts),
  };
}

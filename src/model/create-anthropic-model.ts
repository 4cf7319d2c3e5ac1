/**
 * The Model backed by the Anthropic Messages API: one streamed request per turn, one retry
 * policy (the SDK's own retries are off), prompt-caching breakpoints, usage and cost. Every configured
 * secret is redacted from what is sent (system prompt, messages, tool results), whatever put it there.
 *
 * Anthropic-compatible servers (LiteLLM, Ollama, llama.cpp's llama-server, vLLM) work too, with their
 * quirks handled here: no prompt caching (`promptCaching: false`, or a 400 naming `cache_control`
 * turns it off for the model), missing or partial `usage` (estimated, and marked so), an error
 * event in the middle of a stream in their own shape (retried like a 5xx, the partial output
 * dropped), and model ids with no known price (cost unknown, never $0).
 */
import { defaultModels, redact, requireValue } from '../config.ts';
import { ConfigError, ServiceError, UsageError } from '../errors.ts';
import { createRedactor, type Redactor } from '../text/redact-secrets.ts';
import { Anthropic } from './anthropic-sdk.ts';
import { estimateInputTokens, estimateOutputTokens } from './estimate-tokens.ts';
import { giveUp, SERVICE, sanitized } from './give-up.ts';
import { createIdleTimeoutFetch } from './idle-timeout-fetch.ts';
import { costOf, type Prices, priceOf, totalTokens } from './pricing.ts';
import { readMessageStream } from './read-message-stream.ts';
import {
  abortableSleep,
  abortError,
  type BackoffOptions,
  backoffDelay,
  classifyFailure,
  type Failure,
  isAbortError,
  refusesCacheControl,
} from './retry.ts';
import { toAnthropicParams } from './to-anthropic-params.ts';
import type {
  ActionProtocol,
  CompleteOptions,
  Model,
  ModelEvent,
  ModelRequest,
  ModelResponse,
  Usage,
} from './types.ts';
import { withoutCacheControl } from './without-cache-control.ts';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicModelOptions {
  /** The API key (ANTHROPIC_API_KEY). Required: a ConfigError names the key when it is missing. */
  apiKey: string | undefined;
  /** A gateway, proxy or Anthropic-compatible server (ANTHROPIC_BASE_URL); default the Anthropic API. */
  baseUrl?: string | undefined;
  /** Default model id (ANTHROPIC_MODEL); default `defaultModels.code` from src/config.ts. */
  model?: string | undefined;
  /** Retries of transient failures before giving up (ANTHROPIC_MAX_RETRIES, default 4). */
  maxRetries?: number;
  /** Default `max_tokens` per turn (default 16 384). */
  maxTokens?: number;
  /** Time limit for the response headers of one attempt, in ms (default 120 000). */
  timeoutMs?: number;
  /** A streaming body silent this long (ms) is dropped and retried (default 180 000). */
  idleTimeoutMs?: number;
  /** Backoff ceilings for retries without a retry-after header. */
  backoff?: Partial<BackoffOptions>;
  /** A retry-after longer than this (ms) is not waited for: the call fails at once (default 60 000). */
  maxRetryAfterMs?: number;
  /** Extra headers on every request (e.g. a gateway's own auth). */
  headers?: Record<string, string>;
  /** Injectable for tests: the wait between retries. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests: uniform in [0, 1), for the jitter. */
  random?: () => number;
  /** Injectable fetch (wrapped by the idle timeout). */
  fetch?: typeof globalThis.fetch;
  /**
   * Secrets never sent to the model (`secretsOf(config)`), in any form `createRedactor` knows; a
   * key that sandbox code printed or a tool returned is replaced before the request leaves. The API
   * key is always one of them.
   */
  secrets?: readonly string[];
  /** How the agent acts with this model (AGENT_ACTIONS or MODEL_OPTIONS; default `tools`). */
  actions?: ActionProtocol;
  /**
   * Send prompt-caching breakpoints (default true). Off for servers without caching; turned off
   * for this client by itself when the server refuses them with a 400 naming `cache_control`.
   */
  promptCaching?: boolean;
  /** Prices (USD per million tokens) that win over the built-in table, e.g. for a local model. */
  pricing?: Prices;
}

/** Thrown by an `onEvent` listener: passed through as is, never retried or wrapped. */
class ListenerError {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/** The client and what its calls share: the limits, the secrets, and whether prompt caching is on. */
interface ClientState {
  readonly client: Anthropic;
  readonly options: AnthropicModelOptions;
  readonly modelId: string;
  readonly baseUrl: string;
  readonly maxRetries: number;
  readonly maxTokens: number;
  readonly maxRetryAfterMs: number;
  readonly backoff: BackoffOptions;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly secrets: readonly string[];
  readonly redactor: Redactor;
  /** Turned off for good when the server refuses `cache_control`. */
  promptCaching: boolean;
}

/** Create a Model that talks to the Anthropic Messages API (or a compatible server at `baseUrl`). */
export function createAnthropicModel(options: AnthropicModelOptions): Model {
  const apiKey = requireValue(options.apiKey, 'ANTHROPIC_API_KEY', 'the model client');
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const maxRetries = options.maxRetries ?? 4;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new UsageError(`maxRetries must be a whole number >= 0 (got ${maxRetries})`);
  }
  const client = new Anthropic({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
    fetch: createIdleTimeoutFetch(options.idleTimeoutMs ?? 180_000, options.fetch),
    logLevel: 'off',
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
  });
  const secrets = [...new Set([apiKey, ...(options.secrets ?? [])])].filter((secret) => secret.length >= 8);
  const state: ClientState = {
    client,
    options,
    modelId: options.model ?? defaultModels.code,
    baseUrl,
    maxRetries,
    maxTokens: options.maxTokens ?? 16_384,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    backoff: { baseDelayMs: 1000, maxDelayMs: 30_000, ...options.backoff },
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    secrets,
    redactor: createRedactor(secrets),
    promptCaching: options.promptCaching ?? true,
  };
  return {
    modelId: state.modelId,
    actions: options.actions ?? 'tools',
    complete: (request, completeOptions = {}) => complete(state, request, completeOptions),
  };
}

/** One call: attempts with retries of transient failures, prompt caching dropped once if refused. */
async function complete(
  state: ClientState,
  request: ModelRequest,
  { signal, onEvent }: CompleteOptions,
): Promise<ModelResponse> {
  const emit = (event: ModelEvent) => {
    try {
      onEvent?.(event);
    } catch (error) {
      throw new ListenerError(error);
    }
  };
  const params = state.redactor.redactDeep(
    toAnthropicParams(request, { model: state.modelId, maxTokens: state.maxTokens }),
  );
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw abortError();
    let failure: Failure;
    try {
      return await attempt(state, params, signal, emit);
    } catch (error) {
      if (error instanceof ListenerError) throw error.cause;
      if (signal?.aborted || isAbortError(error)) throw abortError();
      if (state.promptCaching && refusesCacheControl(error)) {
        // Not a retry of a transient fault: the same request once more, without breakpoints.
        state.promptCaching = false;
        emit({
          type: 'retry',
          attempt: retry + 1,
          delayMs: 0,
          reason: 'the server refused prompt caching (cache_control): sending without it',
        });
        retry--;
        continue;
      }
      failure = retryableFailure(state, error, retry, params.model);
    }
    const delayMs = failure.retryAfterMs ?? backoffDelay(retry, state.backoff, state.random);
    emit({ type: 'retry', attempt: retry + 1, delayMs, reason: redact(failure.reason, state.secrets) });
    try {
      await state.sleep(delayMs, signal);
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw abortError();
      throw error;
    }
  }
}

/** The failure of an attempt when it is worth another; throws the call's error when it is not. */
function retryableFailure(state: ClientState, error: unknown, retry: number, model: string): Failure {
  const { maxRetryAfterMs, secrets } = state;
  const failure = classifyFailure(error);
  if (!failure.retryable || retry >= state.maxRetries) {
    throw giveUp(failure, retry, error, { model, baseUrl: state.baseUrl, secrets });
  }
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) {
    const wait = `the API asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${Math.ceil(maxRetryAfterMs / 1000)} s this client waits`;
    throw new ServiceError(SERVICE, `${failure.reason}: ${wait}`, {
      fix: 'Try again later',
      cause: sanitized(error, secrets),
    });
  }
  return failure;
}

/** One streamed request; usage the server did not report is estimated (and marked so), cost priced. */
async function attempt(
  state: ClientState,
  params: ReturnType<typeof toAnthropicParams>,
  signal: AbortSignal | undefined,
  emit: (event: ModelEvent) => void,
): Promise<ModelResponse> {
  const body = state.promptCaching ? params : withoutCacheControl(params);
  const stream = await state.client.messages.create(body, { maxRetries: 0, ...(signal ? { signal } : {}) });
  const { reported, ...result } = await readMessageStream(stream, (text) =>
    emit({ type: 'text-delta', text }),
  );
  const usage: Usage = { ...result.usage };
  let estimated = 0;
  if (!reported.input) {
    usage.inputTokens = estimateInputTokens(body);
    estimated += usage.inputTokens;
  }
  if (!reported.output) {
    usage.outputTokens = estimateOutputTokens(result.content);
    estimated += usage.outputTokens;
  }
  if (estimated > 0) usage.estimatedTokens = estimated;
  // A gateway may answer with its own name for the model: price by whichever id is known.
  const pricedAs = result.model && priceOf(result.model).known ? result.model : params.model;
  const costUsd = costOf(pricedAs, usage, state.options.pricing);
  if (costUsd === undefined) usage.unpricedTokens = totalTokens(usage);
  return { ...result, usage, model: result.model || params.model, costUsd: costUsd ?? 0 };
}

/** The base URL, checked: fetch cannot send credentials in a URL (and they would show in messages). */
function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigError('ANTHROPIC_BASE_URL', 'expected a URL such as https://api.anthropic.com', {
      cause: error,
    });
  }
  if (url.username || url.password) {
    throw new ConfigError('ANTHROPIC_BASE_URL', 'must not contain a user name or password', {
      fix: 'Put gateway credentials in a header instead',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('ANTHROPIC_BASE_URL', `expected http or https (got ${url.protocol})`);
  }
  return value.replace(/\/+$/, '');
}

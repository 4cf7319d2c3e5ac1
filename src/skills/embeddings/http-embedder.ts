/**
 * What the HTTP embedders share: batching, retries with backoff on 429/5xx/network faults (honouring
 * Retry-After), a per-request timeout, and response checks, so a provider file only says how to
 * build a request and where the vectors are in the answer.
 */
import { z } from 'zod';
import { describeError, ServiceError } from '../../errors.ts';
import { retryAfterMs } from '../../text/retry-after.ts';
import type { Embedder, EmbedderInfo, EmbedKind } from '../types.ts';

/** Options every HTTP embedder takes. */
export interface HttpEmbedderOptions {
  apiKey?: string;
  /** Base URL without the `/embeddings` suffix. */
  baseUrl?: string;
  model?: string;
  dimensions?: number;
  /** Inputs per request (default 64). */
  batchSize?: number;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled each retry, with jitter (default 500). */
  retryBaseMs?: number;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** How one provider speaks. */
export interface HttpProvider {
  service: string;
  info: EmbedderInfo;
  url: string;
  headers: Record<string, string>;
  body(inputs: readonly string[], kind: EmbedKind): unknown;
  /** What to tell the user when the key is refused. */
  keyFix: string;
}

const EmbeddingsResponseSchema = z.object({
  data: z
    .array(z.object({ embedding: z.array(z.number()), index: z.number().int().nonnegative().optional() }))
    .min(1),
});

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const parsed = z
    .object({
      error: z.union([z.string(), z.object({ message: z.string() })]).optional(),
      detail: z.string().optional(),
    })
    .safeParse(
      (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })(),
    );
  if (parsed.success) {
    const { error, detail } = parsed.data;
    const message = typeof error === 'string' ? error : (error?.message ?? detail);
    if (message) return message;
  }
  return text.slice(0, 200) || response.statusText;
}

/** An Embedder that posts batches to `provider.url`. */
export function createHttpEmbedder(provider: HttpProvider, options: HttpEmbedderOptions): Embedder {
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const client: EmbedClient = {
    provider,
    doFetch: options.fetch ?? fetch,
    maxRetries: options.maxRetries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 500,
    timeoutMs: options.timeoutMs ?? 30_000,
    info: { ...provider.info },
  };
  const { info } = client;
  return {
    info,
    async embed(texts, kind) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await post(client, texts.slice(start, start + batchSize), kind)));
      }
      for (const vector of vectors) {
        if (info.dimensions === undefined) info.dimensions = vector.length;
        if (vector.length !== info.dimensions || vector.some((value) => !Number.isFinite(value))) {
          throw fail(
            provider,
            `got a vector of ${vector.length} numbers, expected ${info.dimensions} finite numbers`,
            'Set EMBEDDINGS_DIMENSIONS to what the model returns, then run `toolsmith skills reindex`',
          );
        }
      }
      return vectors;
    },
  };
}

/** One embedder's provider, settings and what it learned (the dimensions, at the first answer). */
interface EmbedClient {
  readonly provider: HttpProvider;
  readonly doFetch: typeof fetch;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly timeoutMs: number;
  readonly info: EmbedderInfo;
}

function fail(provider: HttpProvider, message: string, fix?: string, cause?: unknown): ServiceError {
  return new ServiceError(provider.service, message, { ...(fix ? { fix } : {}), cause });
}

/** One batch's vectors, retrying what may pass later (with backoff, honouring Retry-After). */
async function post(client: EmbedClient, inputs: readonly string[], kind: EmbedKind): Promise<number[][]> {
  const { provider, maxRetries } = client;
  let lastProblem = '';
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    let waitMs = client.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    try {
      const response = await client.doFetch(provider.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...provider.headers },
        body: JSON.stringify(provider.body(inputs, kind)),
        signal: AbortSignal.timeout(client.timeoutMs),
      });
      if (response.ok) return await vectorsOf(provider, response, inputs.length);
      lastProblem = await retryableProblem(client, response);
      waitMs = Math.min(retryAfterMs(response.headers) ?? waitMs, 30_000);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      lastProblem = describeError(error);
    }
    if (attempt < maxRetries) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  throw fail(
    provider,
    `gave up after ${maxRetries + 1} attempts (${lastProblem})`,
    'Check the network and the provider status, then retry',
  );
}

/** The vectors of a successful answer, in input order; checked for shape and count. */
async function vectorsOf(provider: HttpProvider, response: Response, count: number): Promise<number[][]> {
  const parsed = EmbeddingsResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw fail(
      provider,
      'the embeddings response is not in the expected shape',
      'Check the base URL points at an embeddings API',
    );
  const rows = [...parsed.data.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (rows.length !== count) throw fail(provider, `asked for ${count} embeddings, got ${rows.length}`);
  return rows.map((row) => row.embedding);
}

/** A refusal worth retrying, described; any other refusal throws with what to fix. */
async function retryableProblem(client: EmbedClient, response: Response): Promise<string> {
  const { provider } = client;
  const detail = await errorDetail(response);
  if (response.status === 401 || response.status === 403) {
    throw fail(provider, `the API key was refused (${response.status}: ${detail})`, provider.keyFix);
  }
  if (response.status === 404) {
    throw fail(
      provider,
      `${provider.url} or model "${client.info.model}" was not found (404: ${detail})`,
      'Check EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL',
    );
  }
  if (!RETRYABLE.has(response.status)) {
    throw fail(
      provider,
      `request refused (${response.status}: ${detail})`,
      'Check EMBEDDINGS_MODEL and EMBEDDINGS_DIMENSIONS',
    );
  }
  return `${response.status}: ${detail}`;
}

/** `https://host/v1/` -> `https://host/v1`. */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

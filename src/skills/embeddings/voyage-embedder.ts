/** Voyage AI embeddings (Anthropic's recommended provider): `input_type` query/document, optional dimensions. */
import { ConfigError } from '../../errors.ts';
import type { Embedder } from '../types.ts';
import { createHttpEmbedder, type HttpEmbedderOptions, trimSlash } from './http-embedder.ts';

export const VOYAGE_DEFAULT_MODEL = 'voyage-code-3';
export const VOYAGE_BASE_URL = 'https://api.voyageai.com/v1';

/** Embeds through Voyage's `/v1/embeddings`. Needs an API key (VOYAGE_API_KEY). */
export function createVoyageEmbedder(options: HttpEmbedderOptions): Embedder {
  if (!options.apiKey) {
    throw new ConfigError('VOYAGE_API_KEY', 'not set; EMBEDDINGS_PROVIDER=voyage needs it', {
      fix: 'Set VOYAGE_API_KEY (https://dash.voyageai.com), or use EMBEDDINGS_PROVIDER=local',
    });
  }
  const model = options.model ?? VOYAGE_DEFAULT_MODEL;
  return createHttpEmbedder(
    {
      service: 'voyage',
      info: { provider: 'voyage', model, dimensions: options.dimensions },
      url: `${trimSlash(options.baseUrl ?? VOYAGE_BASE_URL)}/embeddings`,
      headers: { authorization: `Bearer ${options.apiKey}` },
      body: (inputs, kind) => ({
        input: inputs,
        model,
        input_type: kind,
        ...(options.dimensions ? { output_dimension: options.dimensions } : {}),
      }),
      keyFix: 'Check VOYAGE_API_KEY',
    },
    { batchSize: 128, ...options },
  );
}

/** Pick the embedder the configuration names. */
import type { Config } from '../../config.ts';
import type { Embedder } from '../types.ts';
import type { HttpEmbedderOptions } from './http-embedder.ts';
import { createLocalEmbedder } from './local-embedder.ts';
import { createOpenAiEmbedder } from './openai-embedder.ts';
import { createVoyageEmbedder } from './voyage-embedder.ts';

/** `local` (default, offline), `voyage` or `openai` (any OpenAI-compatible endpoint), from `config.skills`. */
export function createEmbedder(
  skills: Config['skills'],
  extra: Pick<HttpEmbedderOptions, 'fetch' | 'maxRetries' | 'retryBaseMs' | 'timeoutMs'> = {},
): Embedder {
  const options: HttpEmbedderOptions = {
    ...extra,
    ...(skills.apiKey ? { apiKey: skills.apiKey } : {}),
    ...(skills.baseUrl ? { baseUrl: skills.baseUrl } : {}),
    ...(skills.model ? { model: skills.model } : {}),
    ...(skills.dimensions ? { dimensions: skills.dimensions } : {}),
  };
  switch (skills.provider) {
    case 'voyage':
      return createVoyageEmbedder(options);
    case 'openai':
      return createOpenAiEmbedder(options);
    default:
      return createLocalEmbedder(skills.dimensions ? { dimensions: skills.dimensions } : {});
  }
}

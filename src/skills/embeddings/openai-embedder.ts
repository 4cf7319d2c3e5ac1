/** Any OpenAI-compatible `/v1/embeddings`: OpenAI, Ollama, LM Studio, vLLM. */
import { ConfigError } from '../../errors.ts';
import type { Embedder } from '../types.ts';
import { createHttpEmbedder, type HttpEmbedderOptions, trimSlash } from './http-embedder.ts';

export const OPENAI_DEFAULT_MODEL = 'text-embedding-3-small';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Embeds through `<baseUrl>/embeddings`. A key is needed for OpenAI itself, not for a local server. */
export function createOpenAiEmbedder(options: HttpEmbedderOptions): Embedder {
  const baseUrl = trimSlash(options.baseUrl ?? OPENAI_BASE_URL);
  if (!options.apiKey && baseUrl === OPENAI_BASE_URL) {
    throw new ConfigError('EMBEDDINGS_API_KEY', 'not set; the OpenAI embeddings API needs it', {
      fix: 'Set EMBEDDINGS_API_KEY, or EMBEDDINGS_BASE_URL to a local server such as Ollama (http://localhost:11434/v1)',
    });
  }
  const model = options.model ?? OPENAI_DEFAULT_MODEL;
  return createHttpEmbedder(
    {
      service: 'embeddings',
      info: { provider: 'openai', model, dimensions: options.dimensions },
      url: `${baseUrl}/embeddings`,
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      body: (inputs) => ({
        input: inputs,
        model,
        encoding_format: 'float',
        ...(options.dimensions ? { dimensions: options.dimensions } : {}),
      }),
      keyFix: 'Check EMBEDDINGS_API_KEY',
    },
    options,
  );
}

import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError, ServiceError } from '../../src/errors.ts';
import { createEmbedder } from '../../src/skills/embeddings/create-embedder.ts';
import { createLocalEmbedder, LOCAL_MODEL } from '../../src/skills/embeddings/local-embedder.ts';
import { createOpenAiEmbedder } from '../../src/skills/embeddings/openai-embedder.ts';
import { stem, words } from '../../src/skills/embeddings/tokenize.ts';
import { createVoyageEmbedder } from '../../src/skills/embeddings/voyage-embedder.ts';
import { fakeVector, startFakeEmbeddings } from './fake-embeddings-server.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

describe('local embedder', () => {
  const embedder = createLocalEmbedder();

  it('is deterministic, unit length and records provider, model and dimensions', async () => {
    const [a, b] = await embedder.embed(['Parse a CSV file', 'Parse a CSV file'], 'document');
    expect(a).toEqual(b);
    expect(a).toHaveLength(512);
    expect(Math.sqrt(cosine(a ?? [], a ?? []))).toBeCloseTo(1, 10);
    expect(embedder.info).toEqual({ provider: 'local', model: LOCAL_MODEL, dimensions: 512 });
  });

  it('puts a paraphrase nearer than an unrelated skill', async () => {
    const [skill, paraphrase, other] = await embedder.embed(
      [
        'sum-by-group. Group rows by a key and total a numeric field per group.',
        'add up the amounts for each category',
        'Convert temperatures between Celsius and Fahrenheit.',
      ],
      'query',
    );
    expect(cosine(skill ?? [], paraphrase ?? [])).toBeGreaterThan(0.2);
    expect(cosine(skill ?? [], paraphrase ?? [])).toBeGreaterThan(
      cosine(other ?? [], paraphrase ?? []) + 0.15,
    );
  });

  it('gives an all-zero vector to text with no features (so its similarity is NaN, not a match)', async () => {
    const [empty] = await embedder.embed(['the of and 42 !!'], 'query');
    expect(empty?.every((value) => value === 0)).toBe(true);
  });

  it('splits identifiers and stems word forms', () => {
    expect(words('parseCSVRows snake_case $5')).toEqual([
      'parse',
      'csv',
      'rows',
      'snake',
      'case',
      'currency',
      '5',
    ]);
    expect(new Set(['parse', 'parses', 'parsed', 'parser', 'parsing'].map(stem)).size).toBe(1);
    expect(stem('formatting')).toBe(stem('format'));
  });
});

describe('HTTP embedders against a fake API on loopback', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (dimensions?: number) => {
    const server = await startFakeEmbeddings(dimensions ? { dimensions } : {});
    servers.push(server);
    return server;
  };

  it('voyage: batches, sends input_type and the key, orders vectors by index', async () => {
    const server = await start();
    const embedder = createVoyageEmbedder({ apiKey: 'vk-test', baseUrl: server.baseUrl, batchSize: 2 });
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vectors = await embedder.embed(texts, 'document');
    expect(vectors).toEqual(texts.map((text) => fakeVector(text, 8)));
    expect(server.requests.map((r) => r.body.input.length)).toEqual([2, 2, 1]);
    expect(server.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      headers: { authorization: 'Bearer vk-test' },
      body: { model: 'voyage-code-3', input_type: 'document' },
    });
    await embedder.embed(['q'], 'query');
    expect(server.requests.at(-1)?.body.input_type).toBe('query');
    expect(embedder.info).toEqual({ provider: 'voyage', model: 'voyage-code-3', dimensions: 8 });
  });

  it('openai-compatible: sends model and dimensions, no key needed for a local server', async () => {
    const server = await start();
    const embedder = createOpenAiEmbedder({
      baseUrl: `${server.baseUrl}/`,
      model: 'nomic-embed-text',
      dimensions: 4,
    });
    const [vector] = await embedder.embed(['hello'], 'query');
    expect(vector).toHaveLength(4);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.body).toMatchObject({
      model: 'nomic-embed-text',
      dimensions: 4,
      input: ['hello'],
    });
  });

  it('retries 429 and 503 (honouring Retry-After), then succeeds', async () => {
    const server = await start();
    server.status(429, { error: { message: 'slow down' } }, { 'retry-after': '0' });
    server.status(503, { error: 'overloaded' });
    const embedder = createOpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: 'k', retryBaseMs: 1 });
    expect(await embedder.embed(['x'], 'query')).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the retries with the last problem in the message', async () => {
    const server = await start();
    for (let i = 0; i < 3; i++) server.status(500, { error: { message: 'boom' } });
    const embedder = createOpenAiEmbedder({
      baseUrl: server.baseUrl,
      apiKey: 'k',
      retryBaseMs: 1,
      maxRetries: 2,
    });
    await expect(embedder.embed(['x'], 'query')).rejects.toThrow(/gave up after 3 attempts \(500: boom\)/);
  });

  it('does not retry a refused key, and says which key to check', async () => {
    const server = await start();
    server.status(401, { detail: 'Provided API key is invalid' });
    const embedder = createVoyageEmbedder({ apiKey: 'bad', baseUrl: server.baseUrl, retryBaseMs: 1 });
    const error = await embedder.embed(['x'], 'query').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(String(error)).toMatch(
      /voyage: the API key was refused \(401: Provided API key is invalid\)\. Check VOYAGE_API_KEY/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a malformed response, a wrong count and inconsistent dimensions', async () => {
    const server = await start();
    const embedder = createOpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: 'k', dimensions: 8 });
    server.status(200, { vectors: [] });
    await expect(embedder.embed(['x'], 'query')).rejects.toThrow(/not in the expected shape/);
    server.status(200, { data: [{ index: 0, embedding: [1, 2] }] });
    await expect(embedder.embed(['x', 'y'], 'query')).rejects.toThrow(/asked for 2 embeddings, got 1/);
    server.status(200, { data: [{ index: 0, embedding: [1, 2] }] });
    await expect(embedder.embed(['x'], 'query')).rejects.toThrow(/vector of 2 numbers, expected 8/);
  });

  it('reports an unreachable server after retrying', async () => {
    const embedder = createOpenAiEmbedder({
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'k',
      retryBaseMs: 1,
      maxRetries: 1,
    });
    await expect(embedder.embed(['x'], 'query')).rejects.toThrow(/embeddings: gave up after 2 attempts/);
  });
});

describe('createEmbedder from config', () => {
  it('defaults to local and refuses a remote provider without its key', () => {
    expect(createEmbedder(loadConfig({}).skills).info.provider).toBe('local');
    expect(() => createEmbedder(loadConfig({ EMBEDDINGS_PROVIDER: 'voyage' }).skills)).toThrow(ConfigError);
    expect(() => createEmbedder(loadConfig({ EMBEDDINGS_PROVIDER: 'openai' }).skills)).toThrow(
      /EMBEDDINGS_API_KEY/,
    );
    const voyage = createEmbedder(loadConfig({ EMBEDDINGS_PROVIDER: 'voyage', VOYAGE_API_KEY: 'vk' }).skills);
    expect(voyage.info).toEqual({ provider: 'voyage', model: 'voyage-code-3', dimensions: undefined });
    const ollama = createEmbedder(
      loadConfig({
        EMBEDDINGS_PROVIDER: 'openai',
        EMBEDDINGS_BASE_URL: 'http://localhost:11434/v1',
        EMBEDDINGS_MODEL: 'nomic-embed-text',
      }).skills,
    );
    expect(ollama.info.model).toBe('nomic-embed-text');
  });
});

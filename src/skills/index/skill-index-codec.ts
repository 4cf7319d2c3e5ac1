/**
 * The skill index file: vectra's JSON layout (`version`, `metadata_config`, `items`) plus a header
 * naming the embedder that made the vectors, with each vector stored compactly (vector-encoding.ts).
 * vectra reads and writes it through this codec, as it does its own JSON and protobuf codecs. Reading
 * checks every item, so a truncated or hand-edited file is reported as corrupt, never half-loaded.
 */
import type { IndexCodec, IndexData, MetadataTypes } from 'vectra';
import { z } from 'zod';
import { describeError, StorageError } from '../../errors.ts';
import type { EmbedderInfo } from '../types.ts';
import { decodeVector, encodeVector } from './vector-encoding.ts';
import { JsonCodec } from './vectra-core.ts';

export const INDEX_FORMAT = 'toolsmith-skill-index/1';

const HeaderSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  embedder: z.object({
    provider: z.enum(['local', 'voyage', 'openai']),
    model: z.string().min(1),
    dimensions: z.number().int().positive().nullable(),
  }),
  version: z.number(),
  metadata_config: z.object({ indexed: z.array(z.string()).optional() }),
  items: z.array(z.unknown()),
});

/** Raised by `deserializeIndex` for a file that is not a complete skill index. */
export class CorruptIndexError extends Error {
  override name = 'CorruptIndexError';
}

/** Item metadata kept in the index: enough to filter by scope and notice stale vectors. */
export interface SkillIndexMetadata extends Record<string, MetadataTypes> {
  scope: string;
  /** Hash of the embedded text; differs from the store's when the vector is stale. */
  textHash: string;
}

export class SkillIndexCodec implements IndexCodec {
  readonly extension = '.json';
  /** The embedder recorded in (or to be written to) the file. */
  embedder: EmbedderInfo;
  private readonly json = new JsonCodec();
  /** Encoded vectors by array identity: vectra keeps unchanged items' arrays across saves. */
  private readonly encoded = new WeakMap<number[], string>();

  constructor(embedder: EmbedderInfo) {
    this.embedder = { ...embedder };
  }

  serializeIndex(data: IndexData): Buffer {
    const header = {
      format: INDEX_FORMAT,
      embedder: { ...this.embedder, dimensions: this.embedder.dimensions ?? null },
    };
    const items = data.items.map((item) => ({ ...item, vector: this.encode(item.vector) }));
    return Buffer.from(JSON.stringify({ ...header, ...data, items }), 'utf8');
  }

  /** The stored form of a vector (cached by array identity: unchanged items cost nothing per save). */
  encode(vector: number[]): string {
    let text = this.encoded.get(vector);
    if (text === undefined) {
      text = encodeVector(vector);
      this.encoded.set(vector, text);
    }
    return text;
  }

  deserializeIndex(buffer: Buffer): IndexData {
    let raw: unknown;
    try {
      raw = JSON.parse(buffer.toString('utf8'));
    } catch (error) {
      throw new CorruptIndexError(`not valid JSON (${buffer.length} bytes): ${describeError(error)}`);
    }
    const parsed = HeaderSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorruptIndexError(`not a skill index: ${issue?.path.join('.') || 'file'}: ${issue?.message}`);
    }
    const { embedder, items } = parsed.data;
    const dimensions = embedder.dimensions ?? undefined;
    const checked: IndexData['items'] = [];
    for (const [i, item] of items.entries()) {
      const decoded = readItem(item, dimensions);
      if (!decoded)
        throw new CorruptIndexError(`item ${i} is malformed or has the wrong number of dimensions`);
      checked.push(decoded);
    }
    this.embedder = { provider: embedder.provider, model: embedder.model, dimensions };
    return { version: parsed.data.version, metadata_config: parsed.data.metadata_config, items: checked };
  }

  serializeCatalog(...args: Parameters<JsonCodec['serializeCatalog']>) {
    return this.json.serializeCatalog(...args);
  }
  deserializeCatalog(buffer: Buffer) {
    return this.json.deserializeCatalog(buffer);
  }
  serializeMetadata(metadata: Record<string, MetadataTypes>) {
    return this.json.serializeMetadata(metadata);
  }
  deserializeMetadata(buffer: Buffer) {
    return this.json.deserializeMetadata(buffer);
  }
}

/** The item with its vector decoded, or undefined when anything about it is wrong. */
function readItem(item: unknown, dimensions: number | undefined): IndexData['items'][number] | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  if (!('id' in item && 'vector' in item && 'norm' in item && 'metadata' in item)) return undefined;
  const { id, vector, norm, metadata } = item;
  if (typeof id !== 'string' || typeof norm !== 'number' || !Number.isFinite(norm)) return undefined;
  if (typeof metadata !== 'object' || metadata === null || !('scope' in metadata && 'textHash' in metadata))
    return undefined;
  const { scope, textHash } = metadata;
  if (typeof scope !== 'string' || typeof textHash !== 'string') return undefined;
  const values = typeof vector === 'string' ? decodeVector(vector) : undefined;
  if (!values || (dimensions !== undefined && values.length !== dimensions)) return undefined;
  if (values.some((value) => !Number.isFinite(value))) return undefined;
  return { id, vector: values, norm, metadata: { scope, textHash } };
}

/** Items serialised per part of a snapshot; between parts the writer yields to the event loop. */
const ITEMS_PER_PART = 400;

/** An item as a snapshot stores it (its vector already encoded). */
export interface SnapshotItem {
  id: string;
  norm: number;
  metadata: SkillIndexMetadata;
  encoded: string;
}

/** The index file in parts of a few hundred items, yielding to the event loop between parts. */
export async function* snapshotParts(
  embedder: EmbedderInfo,
  items: readonly SnapshotItem[],
): AsyncGenerator<string> {
  const header = { ...embedder, dimensions: embedder.dimensions ?? null };
  yield `{"format":${JSON.stringify(INDEX_FORMAT)},"embedder":${JSON.stringify(header)},"version":1,"metadata_config":{},"items":[`;
  for (let start = 0; start < items.length; start += ITEMS_PER_PART) {
    const part = items
      .slice(start, start + ITEMS_PER_PART)
      .map((item) =>
        JSON.stringify({ id: item.id, metadata: item.metadata, norm: item.norm, vector: item.encoded }),
      );
    yield `${start === 0 ? '' : ','}${part.join(',')}`;
    await new Promise((resolve) => setImmediate(resolve));
  }
  yield ']}';
}

/** The embedder recorded in an index differs from the configured one. */
export function mismatchError(recorded: EmbedderInfo, configured: EmbedderInfo, file: string): StorageError {
  const show = (info: EmbedderInfo) =>
    `${info.provider}/${info.model}${info.dimensions ? ` (${info.dimensions} dimensions)` : ''}`;
  return new StorageError(
    `the skill index ${file} was built with ${show(recorded)}, but the configured embedder is ${show(configured)}`,
    {
      fix: 'Run `toolsmith skills reindex` to rebuild it with the configured embedder, or set EMBEDDINGS_* back',
    },
  );
}

/** Do two embedders make comparable vectors (dimensions unknown on one side match any)? */
export function sameEmbedder(a: EmbedderInfo, b: EmbedderInfo): boolean {
  if (a.provider !== b.provider || a.model !== b.model) return false;
  return a.dimensions === undefined || b.dimensions === undefined || a.dimensions === b.dimensions;
}

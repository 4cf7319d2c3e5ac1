/**
 * The skill index file: vectra's JSON layout (`version`, `metadata_config`, `items`, so stock vectra
 * still loads it) plus a header naming the embedder that made the vectors. Reading checks the shape
 * of every item, so a truncated or hand-edited file is reported as corrupt instead of half-loaded.
 */
import type { IndexCodec, IndexData, MetadataTypes } from 'vectra';
import { JsonCodec } from 'vectra';
import { z } from 'zod';
import { describeError } from '../errors.ts';
import type { EmbedderInfo } from './types.ts';

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

  constructor(embedder: EmbedderInfo) {
    this.embedder = { ...embedder };
  }

  serializeIndex(data: IndexData): Buffer {
    const header = {
      format: INDEX_FORMAT,
      embedder: { ...this.embedder, dimensions: this.embedder.dimensions ?? null },
    };
    return Buffer.from(JSON.stringify({ ...header, ...data }), 'utf8');
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
      if (!isItem(item, dimensions))
        throw new CorruptIndexError(`item ${i} is malformed or has the wrong number of dimensions`);
      checked.push(item);
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

function isItem(item: unknown, dimensions: number | undefined): item is IndexData['items'][number] {
  if (typeof item !== 'object' || item === null) return false;
  if (!('id' in item && 'vector' in item && 'norm' in item && 'metadata' in item)) return false;
  const { id, vector, norm, metadata } = item;
  if (typeof id !== 'string' || typeof norm !== 'number' || !Number.isFinite(norm)) return false;
  if (typeof metadata !== 'object' || metadata === null || !('scope' in metadata && 'textHash' in metadata))
    return false;
  if (typeof metadata.scope !== 'string' || typeof metadata.textHash !== 'string') return false;
  if (!Array.isArray(vector) || (dimensions !== undefined && vector.length !== dimensions)) return false;
  for (const value of vector) if (typeof value !== 'number') return false;
  return true;
}

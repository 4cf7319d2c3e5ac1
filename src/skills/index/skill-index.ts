/**
 * The vector index of the skill library: a vectra LocalIndex (in-memory cosine search over every
 * item, with metadata filters) in `<dataDir>/skills-index/index.json`. It is derived from the store,
 * so a missing or corrupt file is reported to the caller for a rebuild rather than trusted.
 *
 * Why a wrapper rather than vectra alone: vectra writes its file in place and lets concurrent
 * `beginUpdate`s collide. Here every write goes through one queue with group commit — while a save
 * is on disk, later requests gather and the next save carries them all, so 50 concurrent saves cost a
 * few file writes, not 50 — and each save replaces the file atomically (AtomicFileStorage). A caller's
 * promise resolves only once a file holding its change is durably in place: that is the
 * acknowledgement the library gives. Reads never wait: the last committed items stay in memory, and
 * queries score a packed copy of them (see vector-matrix.ts for why not vectra's `queryItems`), kept
 * up to date in place by each write.
 *
 * vectra reads the file at open (through the codec, which checks every item). Writes no longer go
 * through vectra's `endUpdate`, which serialises the whole file in one synchronous call (81-85 ms of
 * blocked event loop at 50k skills): the file is written in parts of a few hundred items, yielding to
 * the event loop between them, then renamed into place.
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { LocalIndex } from 'vectra';
import { describeError, StorageError } from '../../errors.ts';
import type { EmbedderInfo } from '../types.ts';
import {
  AtomicFileStorage,
  removeStaleTempFiles,
  writeFileAtomic,
  writeFileAtomicParts,
} from './atomic-file-storage.ts';
import {
  CorruptIndexError,
  INDEX_FORMAT,
  SkillIndexCodec,
  type SkillIndexMetadata,
} from './skill-index-codec.ts';
import { type MatrixHit, type MatrixItem, VectorMatrix } from './vector-matrix.ts';

export const INDEX_FILE = 'index.json';

/** One vector: `id` is the skill's id in the store. */
export interface SkillIndexEntry {
  id: string;
  vector: number[];
  metadata: SkillIndexMetadata;
}

/** How opening went: `missing` and `corrupt` mean the index is empty and must be rebuilt from the store. */
export type IndexOpenStatus = 'loaded' | 'missing' | 'corrupt';

export interface SkillIndexOptions {
  folder: string;
  embedder: EmbedderInfo;
  /** Skip the embedder check (for a reindex, which replaces everything). */
  ignoreMismatch?: boolean;
}

type Op =
  | { kind: 'upsert'; entries: SkillIndexEntry[] }
  | { kind: 'delete'; ids: string[] }
  | { kind: 'replace'; entries: SkillIndexEntry[] };

/** An item as held in memory and written to the file. */
interface StoredItem extends MatrixItem {
  metadata: SkillIndexMetadata;
}

/** Items serialised per part of the file; between parts the writer yields to the event loop. */
const ITEMS_PER_PART = 400;

interface Pending {
  op: Op;
  resolve: () => void;
  reject: (error: unknown) => void;
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

function sameEmbedder(a: EmbedderInfo, b: EmbedderInfo): boolean {
  if (a.provider !== b.provider || a.model !== b.model) return false;
  return a.dimensions === undefined || b.dimensions === undefined || a.dimensions === b.dimensions;
}

/** The index, opened. Create with `openSkillIndex`. */
export class SkillIndex {
  readonly file: string;
  readonly status: IndexOpenStatus;
  /** Why the file was corrupt, when it was (for the start-up log line). */
  readonly problem: string | undefined;
  private readonly items: Map<string, StoredItem>;
  private readonly codec: SkillIndexCodec;
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private writes = 0;
  /** Packed vectors for scoring: built at the first query, then changed in place by each write. */
  private matrix: VectorMatrix | undefined;

  /** Use `openSkillIndex`; `items` are what the file held, read by vectra through `codec`. */
  constructor(parts: {
    folder: string;
    codec: SkillIndexCodec;
    items: StoredItem[];
    status: IndexOpenStatus;
    problem?: string;
  }) {
    this.file = path.join(parts.folder, INDEX_FILE);
    this.codec = parts.codec;
    this.items = new Map(parts.items.map((item) => [item.id, item]));
    this.status = parts.status;
    this.problem = parts.problem;
  }

  /** The embedder the file records (dimensions filled in once known). */
  get embedder(): EmbedderInfo {
    return { ...this.codec.embedder };
  }

  /** Every id with the hash of the text its vector was made from. */
  async entries(): Promise<Map<string, string>> {
    return new Map([...this.items.values()].map((item) => [item.id, item.metadata.textHash]));
  }

  /** Files written since opening (group commit makes this far fewer than the saves). */
  get fileWrites(): number {
    return this.writes;
  }

  async size(): Promise<number> {
    return this.items.size;
  }

  /**
   * The `k` nearest items in the given scopes, best first, by cosine similarity. A zero vector (no
   * features) has no similarity to anything and matches nothing.
   */
  async query(vector: number[], scopes: readonly string[], k: number): Promise<MatrixHit[]> {
    if (k <= 0 || scopes.length === 0) return [];
    this.checkVector(vector);
    this.matrix ??= new VectorMatrix([...this.items.values()], this.codec.embedder.dimensions);
    return this.matrix.topK(vector, new Set(scopes), k);
  }

  /** Add or replace vectors. Resolves once a file holding them has replaced the old one. */
  upsert(entries: SkillIndexEntry[]): Promise<void> {
    return this.enqueue({ kind: 'upsert', entries });
  }

  delete(ids: string[]): Promise<void> {
    return this.enqueue({ kind: 'delete', ids });
  }

  /** Replace every vector (a rebuild), recording the configured embedder. */
  replaceAll(entries: SkillIndexEntry[], embedder: EmbedderInfo): Promise<void> {
    this.codec.embedder = { ...embedder };
    return this.enqueue({ kind: 'replace', entries });
  }

  /** Wait for queued writes, then refuse new ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
  }

  private checkVector(vector: number[]): void {
    const dimensions = this.codec.embedder.dimensions;
    if (dimensions !== undefined && vector.length !== dimensions) {
      throw new StorageError(
        `a vector of ${vector.length} numbers does not fit the index (${dimensions} dimensions)`,
        {
          fix: 'The embedder changed: run `toolsmith skills reindex`',
        },
      );
    }
  }

  private enqueue(op: Op): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('the skill index is closed'));
    try {
      for (const entry of op.kind === 'delete' ? [] : op.entries) {
        this.codec.embedder.dimensions ??= entry.vector.length;
        this.checkVector(entry.vector);
        if (entry.vector.some((value) => !Number.isFinite(value))) {
          throw new StorageError(`the vector of skill ${entry.id} has a non-finite number`);
        }
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /**
   * The queue's one worker: takes everything pending and writes it as one file. It clears `draining`
   * in the same tick as it finds the queue empty, so an enqueue after that starts a new worker.
   */
  private async drain(): Promise<void> {
    await Promise.resolve();
    for (;;) {
      const batch = this.pending.splice(0);
      if (batch.length === 0) {
        this.draining = undefined;
        return;
      }
      try {
        await this.write(batch.map((entry) => entry.op));
        this.writes += 1;
        for (const entry of batch) entry.resolve();
      } catch (cause) {
        const error =
          cause instanceof StorageError
            ? cause
            : new StorageError(`cannot save the skill index ${this.file}: ${describeError(cause)}`, {
                fix: 'Check free disk space and permissions of DATA_DIR; the previous index is intact',
                cause,
              });
        for (const entry of batch) entry.reject(error);
      }
    }
  }

  /**
   * Write the file the ops lead to, then (only once it is in place) apply them to the items in
   * memory and to the matrix: a failed write leaves both as the file on disk still is.
   */
  private async write(ops: Op[]): Promise<void> {
    const lastReplace = ops.findLastIndex((op) => op.kind === 'replace');
    const base = lastReplace >= 0 ? undefined : this.items;
    const changed = new Map<string, StoredItem | undefined>();
    const replaced = lastReplace >= 0 ? ops[lastReplace] : undefined;
    if (replaced?.kind === 'replace')
      for (const entry of replaced.entries) changed.set(entry.id, toItem(entry));
    for (const op of ops.slice(lastReplace + 1)) {
      if (op.kind === 'delete') for (const id of op.ids) changed.set(id, undefined);
      else for (const entry of op.entries) changed.set(entry.id, toItem(entry));
    }
    const next = function* (): Generator<StoredItem> {
      if (base) for (const item of base.values()) if (!changed.has(item.id)) yield item;
      for (const item of changed.values()) if (item) yield item;
    };
    await writeFileAtomicParts(this.file, this.serialize(next()));
    if (!base) {
      this.items.clear();
      this.matrix = undefined;
    }
    for (const [id, item] of changed) {
      if (item) {
        this.items.set(id, item);
        this.matrix?.set(item);
      } else {
        this.items.delete(id);
        this.matrix?.remove(id);
      }
    }
  }

  /** The index file in parts of a few hundred items, yielding to the event loop between parts. */
  private async *serialize(items: Iterable<StoredItem>): AsyncGenerator<string> {
    const embedder = { ...this.codec.embedder, dimensions: this.codec.embedder.dimensions ?? null };
    yield `{"format":${JSON.stringify(INDEX_FORMAT)},"embedder":${JSON.stringify(embedder)},"version":1,"metadata_config":{},"items":[`;
    let part: string[] = [];
    let first = true;
    for (const item of items) {
      part.push(
        JSON.stringify({
          id: item.id,
          metadata: item.metadata,
          norm: item.norm,
          vector: this.codec.encode(item.vector),
        }),
      );
      if (part.length >= ITEMS_PER_PART) {
        yield `${first ? '' : ','}${part.join(',')}`;
        first = false;
        part = [];
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    yield `${first || part.length === 0 ? '' : ','}${part.join(',')}]}`;
  }
}

function toItem(entry: SkillIndexEntry): StoredItem {
  let sum = 0;
  for (const value of entry.vector) sum += value * value;
  return {
    id: entry.id,
    vector: entry.vector,
    norm: Math.sqrt(sum),
    metadata: { scope: entry.metadata.scope, textHash: entry.metadata.textHash },
  };
}

/**
 * Open (or create) the index in `folder`. A missing file, or one that does not parse as a skill index,
 * gives an empty index with status `missing` / `corrupt` (the corrupt file is kept beside it as
 * `index.json.corrupt-<time>`). An index built by another embedder is an error unless `ignoreMismatch`.
 */
export async function openSkillIndex(options: SkillIndexOptions): Promise<SkillIndex> {
  const { folder } = options;
  const file = path.join(folder, INDEX_FILE);
  try {
    await mkdir(folder, { recursive: true });
    await removeStaleTempFiles(folder, INDEX_FILE);
  } catch (cause) {
    throw new StorageError(`cannot create the skill index folder ${folder}: ${describeError(cause)}`, {
      fix: 'Check DATA_DIR and its permissions',
      cause,
    });
  }
  const codec = new SkillIndexCodec(options.embedder);
  const storage = new AtomicFileStorage();
  let index = new LocalIndex<SkillIndexMetadata>(folder, INDEX_FILE, storage, codec);
  let status: IndexOpenStatus = 'loaded';
  let problem: string | undefined;
  if (!(await index.isIndexCreated())) {
    status = 'missing';
  } else {
    try {
      await index.getIndexStats();
    } catch (error) {
      if (!(error instanceof CorruptIndexError)) {
        throw new StorageError(`cannot read the skill index ${file}: ${describeError(error)}`, {
          cause: error,
        });
      }
      status = 'corrupt';
      problem = error.message;
      await rename(file, `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    }
  }
  if (status === 'loaded' && !sameEmbedder(codec.embedder, options.embedder)) {
    if (!options.ignoreMismatch) throw mismatchError(codec.embedder, options.embedder, file);
  }
  if (status !== 'loaded') {
    codec.embedder = { ...options.embedder };
    await writeFileAtomic(file, codec.serializeIndex({ version: 1, metadata_config: {}, items: [] }));
    index = new LocalIndex<SkillIndexMetadata>(folder, INDEX_FILE, storage, codec);
    await index.getIndexStats();
  }
  const items = (await index.listItems()).map((item) => ({
    id: item.id,
    vector: item.vector,
    norm: item.norm,
    metadata: { scope: item.metadata.scope, textHash: item.metadata.textHash },
  }));
  return new SkillIndex({ folder, codec, items, status, ...(problem ? { problem } : {}) });
}

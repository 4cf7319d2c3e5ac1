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
 * acknowledgement the library gives. Reads never wait: vectra keeps the last committed items in memory,
 * and queries score a packed copy of them (see vector-matrix.ts for why not vectra's `queryItems`).
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { type IndexItem, ItemSelector, LocalIndex } from 'vectra';
import { describeError, StorageError } from '../../errors.ts';
import type { EmbedderInfo } from '../types.ts';
import { AtomicFileStorage, removeStaleTempFiles, writeFileAtomic } from './atomic-file-storage.ts';
import { CorruptIndexError, SkillIndexCodec, type SkillIndexMetadata } from './skill-index-codec.ts';
import { type MatrixHit, VectorMatrix } from './vector-matrix.ts';

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
  private index: LocalIndex<SkillIndexMetadata>;
  private readonly codec: SkillIndexCodec;
  private readonly folder: string;
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private writes = 0;
  /** Packed vectors for scoring, rebuilt lazily after each committed write. */
  private matrix: VectorMatrix | undefined;

  /** Use `openSkillIndex`; `index` is a vectra LocalIndex over `folder` using `codec` and atomic storage. */
  constructor(parts: {
    folder: string;
    codec: SkillIndexCodec;
    index: LocalIndex<SkillIndexMetadata>;
    status: IndexOpenStatus;
    problem?: string;
  }) {
    this.folder = parts.folder;
    this.file = path.join(parts.folder, INDEX_FILE);
    this.codec = parts.codec;
    this.index = parts.index;
    this.status = parts.status;
    this.problem = parts.problem;
  }

  /** The embedder the file records (dimensions filled in once known). */
  get embedder(): EmbedderInfo {
    return { ...this.codec.embedder };
  }

  /** Every id with the hash of the text its vector was made from. */
  async entries(): Promise<Map<string, string>> {
    const items = await this.index.listItems();
    return new Map(items.map((item) => [item.id, item.metadata.textHash]));
  }

  /** Files written since opening (group commit makes this far fewer than the saves). */
  get fileWrites(): number {
    return this.writes;
  }

  async size(): Promise<number> {
    return (await this.index.getIndexStats()).items;
  }

  /**
   * The `k` nearest items in the given scopes, best first, by cosine similarity. A zero vector (no
   * features) has no similarity to anything and matches nothing.
   */
  async query(vector: number[], scopes: readonly string[], k: number): Promise<MatrixHit[]> {
    if (k <= 0 || scopes.length === 0) return [];
    this.checkVector(vector);
    this.matrix ??= new VectorMatrix(await this.index.listItems());
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
        this.matrix = undefined;
        for (const entry of batch) entry.resolve();
      } catch (cause) {
        this.matrix = undefined;
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

  private async write(ops: Op[]): Promise<void> {
    const lastReplace = ops.findLastIndex((op) => op.kind === 'replace');
    if (lastReplace >= 0) {
      const replace = ops[lastReplace];
      if (replace?.kind === 'replace') await this.writeFresh(replace.entries);
    }
    const rest = ops.slice(lastReplace + 1);
    if (rest.length === 0) return;
    await this.index.beginUpdate();
    try {
      for (const op of rest) {
        if (op.kind === 'delete') await this.index.deleteItems(op.ids);
        else for (const entry of op.entries) await this.index.upsertItem(toItem(entry));
      }
      await this.index.endUpdate();
    } catch (error) {
      this.index.cancelUpdate();
      throw error;
    }
  }

  /** A rebuild writes the whole file in one go, then swaps in a fresh vectra instance that loads it. */
  private async writeFresh(entries: SkillIndexEntry[]): Promise<void> {
    const items = entries.map((entry) => ({ ...toItem(entry), norm: ItemSelector.normalize(entry.vector) }));
    await writeFileAtomic(this.file, this.codec.serializeIndex({ version: 1, metadata_config: {}, items }));
    this.index = new LocalIndex<SkillIndexMetadata>(
      this.folder,
      INDEX_FILE,
      new AtomicFileStorage(),
      this.codec,
    );
    await this.index.getIndexStats();
  }
}

function toItem(entry: SkillIndexEntry): Omit<IndexItem<SkillIndexMetadata>, 'norm'> {
  return {
    id: entry.id,
    vector: entry.vector,
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
  return new SkillIndex({ folder, codec, index, status, ...(problem ? { problem } : {}) });
}

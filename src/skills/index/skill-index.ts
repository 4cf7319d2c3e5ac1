/**
 * The vector index of the skill library, derived from the store (a missing or corrupt index is
 * reported for a rebuild, not trusted): `index.json` (vectra's layout, read by vectra through the
 * codec, which checks every item) plus a journal of later changes (index-journal.ts). Every write goes
 * through one queue with group commit: while one is on disk, later requests gather and the next write
 * carries them all. A caller's promise resolves once its change is durable (the library's
 * acknowledgement). A save appends a few lines to the journal instead of rewriting the file (38 MB at
 * 50k skills); rebuilds and compactions write the file in parts that yield to the event loop. Reads
 * never wait: items stay in memory and queries score a packed matrix (vector-matrix.ts) that each
 * write changes in place.
 */
import path from 'node:path';
import { describeError, StorageError } from '../../errors.ts';
import type { EmbedderInfo } from '../types.ts';
import { writeFileAtomicParts } from './atomic-file-storage.ts';
import {
  appendJournal,
  JOURNAL_FILE,
  type JournalItem,
  journalLine,
  removeJournal,
} from './index-journal.ts';
import { type SkillIndexCodec, type SkillIndexMetadata, snapshotParts } from './skill-index-codec.ts';
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

/** An item and its vector, as read or as a change brings it. */
export interface Loaded {
  item: JournalItem;
  vector: number[];
}

interface Pending {
  op: Op;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The index, opened. Create with `openSkillIndex`. */
export class SkillIndex {
  readonly file: string;
  readonly status: IndexOpenStatus;
  /** Why the file was corrupt, when it was (for the start-up log line). */
  readonly problem: string | undefined;
  private items: Map<string, JournalItem>;
  private readonly journalFile: string;
  /** Journal lines since the last compaction. */
  private journalLines: number;
  private readonly codec: SkillIndexCodec;
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private writes = 0;
  /** Packed vectors for scoring, changed in place by each write (undefined until the dimensions are known). */
  private matrix: VectorMatrix | undefined;

  /** Use `openSkillIndex`; `loaded` is what the file and its journal held. */
  constructor(parts: {
    folder: string;
    codec: SkillIndexCodec;
    loaded: Loaded[];
    journalLines: number;
    status: IndexOpenStatus;
    problem?: string;
  }) {
    this.file = path.join(parts.folder, INDEX_FILE);
    this.journalFile = path.join(parts.folder, JOURNAL_FILE);
    this.journalLines = parts.journalLines;
    this.codec = parts.codec;
    this.items = new Map(parts.loaded.map(({ item }) => [item.id, item]));
    this.matrix = this.matrixOf(parts.loaded);
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
    return (await this.matrix?.topKAsync(vector, new Set(scopes), k)) ?? [];
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
  /** Wait for queued writes, fold the journal into the file, then refuse new writes. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    if (this.journalLines > 0) await this.compact();
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

  private matrixOf(loaded: readonly Loaded[]): VectorMatrix | undefined {
    const dimensions = this.codec.embedder.dimensions ?? loaded[0]?.vector.length;
    if (dimensions === undefined) return undefined;
    return new VectorMatrix(
      loaded.map(({ item, vector }) => ({ id: item.id, vector, norm: item.norm, metadata: item.metadata })),
      dimensions,
    );
  }

  private loadedOf(entry: SkillIndexEntry): Loaded {
    let sum = 0;
    for (const value of entry.vector) sum += value * value;
    const metadata = { scope: entry.metadata.scope, textHash: entry.metadata.textHash };
    return {
      item: { id: entry.id, norm: Math.sqrt(sum), metadata, encoded: this.codec.encode(entry.vector) },
      vector: entry.vector,
    };
  }

  /**
   * Make the ops durable, then (only then) apply them to the items in memory and to the matrix. A
   * rebuild writes a fresh file; other changes are appended to the journal, which is compacted into
   * the file once it holds more than a fifth of the items (at least 2000 lines).
   */
  private async write(ops: Op[]): Promise<void> {
    const lastReplace = ops.findLastIndex((op) => op.kind === 'replace');
    const replaced = ops[lastReplace];
    if (replaced?.kind === 'replace') {
      const next = new Map(replaced.entries.map((entry) => [entry.id, this.loadedOf(entry)]));
      for (const op of ops.slice(lastReplace + 1)) {
        if (op.kind === 'delete') for (const id of op.ids) next.delete(id);
        else for (const entry of op.entries) next.set(entry.id, this.loadedOf(entry));
      }
      await writeFileAtomicParts(
        this.file,
        snapshotParts(
          this.codec.embedder,
          [...next.values()].map(({ item }) => item),
        ),
      );
      await removeJournal(this.journalFile);
      this.items = new Map([...next].map(([id, { item }]) => [id, item]));
      this.matrix = this.matrixOf([...next.values()]);
      this.journalLines = 0;
      return;
    }
    const changes: Array<Loaded | string> = [];
    for (const op of ops) {
      if (op.kind === 'delete') changes.push(...op.ids);
      else if (op.kind === 'upsert') for (const entry of op.entries) changes.push(this.loadedOf(entry));
    }
    await appendJournal(
      this.journalFile,
      changes.map((change) =>
        typeof change === 'string'
          ? journalLine({ op: 'delete', id: change })
          : journalLine({ op: 'upsert', item: change.item }),
      ),
    );
    for (const change of changes) {
      if (typeof change === 'string') {
        this.items.delete(change);
        this.matrix?.remove(change);
      } else {
        const { item, vector } = change;
        this.items.set(item.id, item);
        this.matrix ??= new VectorMatrix([], vector.length);
        this.matrix.set({ id: item.id, vector, norm: item.norm, metadata: item.metadata });
      }
    }
    this.journalLines += changes.length;
    if (this.journalLines > Math.max(2000, this.items.size / 5)) await this.compact();
  }

  /** Fold the journal into a fresh index file. A failure leaves the journal (still durable) in place. */
  private async compact(): Promise<void> {
    try {
      await writeFileAtomicParts(this.file, snapshotParts(this.codec.embedder, [...this.items.values()]));
      await removeJournal(this.journalFile);
      this.journalLines = 0;
    } catch {
      // the changes are safe in the journal; the next write tries again
    }
  }
}

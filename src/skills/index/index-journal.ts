/**
 * The index's write-ahead journal. A save appends its changes (a line per upserted item, a line per
 * delete) to `index.journal` and fsyncs it: a few hundred bytes instead of rewriting the whole index
 * file (38 MB at 50k skills). At open the journal is replayed on top of `index.json`; now and then the
 * two are compacted into a fresh `index.json`, written in parts that yield to the event loop. A line
 * torn by a kill mid-append was never acknowledged and is dropped; any other bad line makes the index
 * corrupt (it is rebuilt from the store).
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../../errors.ts';
import { CorruptIndexError, type SkillIndexCodec, type SkillIndexMetadata } from './skill-index-codec.ts';
import { decodeVector } from './vector-encoding.ts';

export const JOURNAL_FILE = 'index.journal';

/** An item as the index holds it: the vector stays in the packed matrix and as its stored text. */
export interface JournalItem {
  id: string;
  norm: number;
  metadata: SkillIndexMetadata;
  /** The vector as the file stores it (vector-encoding.ts). */
  encoded: string;
}

export type JournalOp = { op: 'upsert'; item: JournalItem; vector: number[] } | { op: 'delete'; id: string };

/** Append lines and make them durable before returning (the acknowledgement of a save). */
export async function appendJournal(file: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const handle = await open(file, 'a');
  try {
    await handle.write(`${lines.join('\n')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The journal line of an upsert or a delete. */
export function journalLine(op: { op: 'upsert'; item: JournalItem } | { op: 'delete'; id: string }): string {
  return op.op === 'upsert'
    ? JSON.stringify({
        op: 'upsert',
        id: op.item.id,
        norm: op.item.norm,
        metadata: op.item.metadata,
        vector: op.item.encoded,
      })
    : JSON.stringify({ op: 'delete', id: op.id });
}

function parseLine(line: string, dimensions: number | undefined): JournalOp | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { op, id } = raw as Record<string, unknown>;
  if (typeof id !== 'string') return undefined;
  if (op === 'delete') return { op, id };
  if (op !== 'upsert') return undefined;
  const { norm, metadata, vector } = raw as Record<string, unknown>;
  if (
    typeof norm !== 'number' ||
    typeof vector !== 'string' ||
    typeof metadata !== 'object' ||
    metadata === null
  )
    return undefined;
  const { scope, textHash } = metadata as Record<string, unknown>;
  if (typeof scope !== 'string' || typeof textHash !== 'string') return undefined;
  const decoded = decodeVector(vector);
  if (!decoded || (dimensions !== undefined && decoded.length !== dimensions)) return undefined;
  return { op, item: { id, norm, metadata: { scope, textHash }, encoded: vector }, vector: decoded };
}

/** The journal's operations in order (none when there is no journal). Throws CorruptIndexError. */
export async function readJournal(file: string, dimensions: number | undefined): Promise<JournalOp[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CorruptIndexError(`cannot read the journal: ${describeError(error)}`);
  }
  const lines = text.split('\n');
  // The last piece has no newline: empty, or a line torn by a kill mid-append (never acknowledged).
  lines.pop();
  const ops: JournalOp[] = [];
  for (const [i, line] of lines.entries()) {
    const op = parseLine(line, dimensions);
    if (!op) throw new CorruptIndexError(`journal line ${i + 1} is malformed`);
    ops.push(op);
  }
  return ops;
}

export async function removeJournal(file: string): Promise<void> {
  await rm(file, { force: true });
}

/**
 * Apply `folder`'s journal to the items read from its index file (in place). A bad journal is kept
 * aside as `index.journal.corrupt-<time>` and reported, for a rebuild from the store.
 */
export async function replayJournal(
  folder: string,
  codec: SkillIndexCodec,
  loaded: Map<string, { item: JournalItem; vector: number[] }>,
): Promise<{ ok: true; lines: number } | { ok: false; problem: string }> {
  const journal = path.join(folder, JOURNAL_FILE);
  try {
    const ops = await readJournal(journal, codec.embedder.dimensions);
    for (const op of ops) {
      if (op.op === 'delete') loaded.delete(op.id);
      else {
        loaded.set(op.item.id, { item: op.item, vector: op.vector });
        codec.embedder.dimensions ??= op.vector.length;
      }
    }
    return { ok: true, lines: ops.length };
  } catch (error) {
    if (!(error instanceof CorruptIndexError)) throw error;
    await rename(journal, `${journal}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    return { ok: false, problem: error.message };
  }
}

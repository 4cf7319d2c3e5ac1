/**
 * One Toolsmith per DATA_DIR. Two processes on one folder each keep their own copy of the skill index
 * in memory and overwrite each other's writes, so the second refuses to start and names the first.
 *
 * The lock itself is an exclusive SQLite lock (a POSIX record lock underneath) on `toolsmith.lock`,
 * held for as long as the process runs: the kernel drops it when the holder exits, however it exits, so a
 * lock is never stale and two processes taking over at the same moment cannot both win. Beside it,
 * `toolsmith.lock.json` says who holds it (pid, command, since) for the refusal; a record left by a
 * dead process is simply replaced by the next holder.
 */

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { describeError, StorageError } from '../errors.ts';
import { replaceFileSync } from './replace-file.ts';

const LOCK_FILE = 'toolsmith.lock';
const HOLDER_FILE = 'toolsmith.lock.json';

const HolderSchema = z.object({
  pid: z.number().int().positive(),
  command: z.string(),
  since: z.string(),
  host: z.string().optional(),
});

/** Who holds a DATA_DIR. */
export type LockHolder = z.infer<typeof HolderSchema>;

export interface DataDirLock {
  /** The folder locked. */
  readonly dataDir: string;
  readonly holder: LockHolder;
  /** Let go (idempotent); the holder record is removed. */
  release(): void;
}

export interface DataDirLockOptions {
  /** What to call this process in the refusal another one gets (default: its command line). */
  command?: string;
  now?: () => Date;
}

/**
 * Lock `dataDir` for this process, or throw a StorageError naming the process that holds it.
 * Release it at shutdown (the lock also ends with the process).
 */
export function acquireDataDirLock(dataDir: string, options: DataDirLockOptions = {}): DataDirLock {
  const dir = path.resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new StorageError(`cannot create DATA_DIR ${dir}: ${describeError(cause)}`, {
      fix: 'Check DATA_DIR and its permissions',
      cause,
    });
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path.join(dir, LOCK_FILE), { timeout: 0 });
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
  } catch (cause) {
    throw new StorageError(`cannot open the lock file in ${dir}: ${describeError(cause)}`, {
      fix: 'Check that DATA_DIR is writable',
      cause,
    });
  }
  try {
    // In exclusive locking mode the lock taken here is kept after COMMIT, until the connection closes.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (cause) {
    db.close();
    throw refusal(dir, readHolder(dir), cause);
  }
  const holder: LockHolder = {
    pid: process.pid,
    command: options.command ?? [path.basename(process.argv0), ...process.argv.slice(1)].join(' '),
    since: (options.now?.() ?? new Date()).toISOString(),
    host: hostname(),
  };
  const holderFile = path.join(dir, HOLDER_FILE);
  replaceFileSync(holderFile, `${JSON.stringify(holder)}\n`);
  let released = false;
  return {
    dataDir: dir,
    holder,
    release() {
      if (released) return;
      released = true;
      if (readHolder(dir)?.pid === process.pid) rmSync(holderFile, { force: true });
      db.close();
    },
  };
}

/** Who holds `dataDir` according to its holder record, if the record is readable. */
export function readHolder(dataDir: string): LockHolder | undefined {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function refusal(dir: string, holder: LockHolder | undefined, cause: unknown): StorageError {
  const who = holder
    ? `process ${holder.pid} (${holder.command}${holder.host && holder.host !== hostname() ? ` on ${holder.host}` : ''}), running since ${holder.since}`
    : 'another process (it has not said which yet)';
  return new StorageError(`DATA_DIR ${dir} is in use by ${who}`, {
    fix: 'Stop that Toolsmith first, or give this one its own DATA_DIR',
    cause,
  });
}

/**
 * Task sessions in the store: which thread (or terminal session) holds which conversation, its
 * status and owner, and the transcript snapshot, so a restart loses nothing. The snapshot's shape belongs
 * to the agent: the repo is handed its schema and checks every row it reads against it.
 */
import { z } from 'zod';
import { StorageError } from '../errors.ts';
import type { Store } from './open-store.ts';

export const SESSIONS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    owner TEXT NOT NULL,
    channel_id TEXT,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('idle', 'running', 'interrupted', 'closed')),
    workspace_dir TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sessions_status ON sessions (status);`,
  `ALTER TABLE sessions ADD COLUMN front_end TEXT NOT NULL DEFAULT 'discord';
  CREATE INDEX sessions_owner ON sessions (owner, updated_at);`,
];

export type SessionStatus = 'idle' | 'running' | 'interrupted' | 'closed';

export interface SessionRow<S> {
  id: string;
  /** Which front end opened it: `discord` or `terminal`. */
  frontEnd: string;
  scope: string;
  owner: string;
  channelId: string | undefined;
  title: string;
  status: SessionStatus;
  workspaceDir: string;
  snapshot: S;
  createdAt: string;
  updatedAt: string;
}

const RowSchema = z.object({
  id: z.string(),
  scope: z.string(),
  owner: z.string(),
  channel_id: z.string().nullable(),
  title: z.string(),
  status: z.enum(['idle', 'running', 'interrupted', 'closed']),
  workspace_dir: z.string(),
  snapshot: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  front_end: z.string(),
});

export interface SessionsRepo<S> {
  create(row: Omit<SessionRow<S>, 'createdAt' | 'updatedAt'>): void;
  get(id: string): SessionRow<S> | undefined;
  saveSnapshot(id: string, snapshot: S): void;
  setStatus(id: string, status: SessionStatus): void;
  /**
   * Sessions left `running` by a process that stopped: marks them interrupted and returns them (a row
   * whose transcript cannot be read is marked but not returned).
   */
  markInterrupted(): SessionRow<S>[];
  /** Newest first. */
  list(filter?: {
    status?: SessionStatus;
    owner?: string;
    frontEnd?: string;
    limit?: number;
  }): SessionRow<S>[];
}

type ListFilter = NonNullable<Parameters<SessionsRepo<unknown>['list']>[0]>;

export interface SessionsRepoOptions<S> {
  /** Checks each transcript read back (its shape is the agent's). */
  snapshotSchema: z.ZodType<S>;
  now?: () => Date;
}

/** The sessions table, migrated on creation; every row read is checked (its transcript too). */
export function createSessionsRepo<S>(store: Store, options: SessionsRepoOptions<S>): SessionsRepo<S> {
  const now = options.now ?? (() => new Date());
  store.migrate('sessions', SESSIONS_MIGRATIONS);
  const db = store.db;
  const insert = db.prepare(
    `INSERT INTO sessions (id, scope, owner, channel_id, title, status, workspace_dir, snapshot, created_at, updated_at, front_end)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const updateSnapshot = db.prepare('UPDATE sessions SET snapshot = ?, updated_at = ? WHERE id = ?');
  const updateStatus = db.prepare('UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?');

  const toRow = (raw: unknown) => parseSessionRow(raw, options.snapshotSchema);

  return {
    create(row) {
      const at = now().toISOString();
      insert.run(
        row.id,
        row.scope,
        row.owner,
        row.channelId ?? null,
        row.title,
        row.status,
        row.workspaceDir,
        JSON.stringify(row.snapshot),
        at,
        at,
        row.frontEnd,
      );
    },
    get(id) {
      const raw = select.get(id);
      return raw ? toRow(raw) : undefined;
    },
    saveSnapshot(id, snapshot) {
      updateSnapshot.run(JSON.stringify(snapshot), now().toISOString(), id);
    },
    setStatus(id, status) {
      updateStatus.run(status, now().toISOString(), id);
    },
    markInterrupted() {
      return store.transaction(() => {
        const raw = db.prepare("SELECT * FROM sessions WHERE status = 'running'").all();
        db.prepare("UPDATE sessions SET status = 'interrupted', updated_at = ? WHERE status = 'running'").run(
          now().toISOString(),
        );
        // One unreadable row must not stop the others (or the bot's start-up): it is marked, not returned.
        return raw.flatMap((row) => {
          try {
            return [toRow(row)];
          } catch {
            return [];
          }
        });
      });
    },
    list(filter = {}) {
      const { sql, params } = listQuery(filter);
      return db
        .prepare(sql)
        .all(...params)
        .map(toRow);
    },
  };
}

/** A row read back, its transcript checked against the agent's schema; a StorageError when malformed. */
function parseSessionRow<S>(raw: unknown, snapshotSchema: z.ZodType<S>): SessionRow<S> {
  const parsed = RowSchema.safeParse(raw);
  if (!parsed.success)
    throw new StorageError(`a session row is malformed: ${parsed.error.issues[0]?.message}`);
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(parsed.data.snapshot);
  } catch (cause) {
    throw new StorageError(`the transcript of session ${parsed.data.id} is not valid JSON`, { cause });
  }
  const checked = snapshotSchema.safeParse(snapshot);
  if (!checked.success) throw new StorageError(`the transcript of session ${parsed.data.id} is malformed`);
  const r = parsed.data;
  return {
    id: r.id,
    frontEnd: r.front_end,
    scope: r.scope,
    owner: r.owner,
    channelId: r.channel_id ?? undefined,
    title: r.title,
    status: r.status,
    workspaceDir: r.workspace_dir,
    snapshot: checked.data,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The query of `list`: the filter's conditions, newest first, at most `limit` rows (default 100). */
function listQuery(filter: ListFilter): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.owner) {
    where.push('owner = ?');
    params.push(filter.owner);
  }
  if (filter.frontEnd) {
    where.push('front_end = ?');
    params.push(filter.frontEnd);
  }
  params.push(filter.limit ?? 100);
  const sql = `SELECT * FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, rowid DESC LIMIT ?`;
  return { sql, params };
}

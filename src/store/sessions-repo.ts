/**
 * Task sessions in the store: which thread (or terminal session) holds which conversation, its
 * status and owner, and the transcript snapshot, so a restart loses nothing.
 */
import { z } from 'zod';
import type { SessionSnapshot } from '../agent/task-session.ts';
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
];

export type SessionStatus = 'idle' | 'running' | 'interrupted' | 'closed';

export interface SessionRow {
  id: string;
  scope: string;
  owner: string;
  channelId: string | undefined;
  title: string;
  status: SessionStatus;
  workspaceDir: string;
  snapshot: SessionSnapshot;
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
});

const ContentBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool_result'),
    toolUseId: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

const SnapshotSchema = z.object({
  id: z.string(),
  scope: z.object({ scope: z.string(), author: z.string() }),
  workspaceDir: z.string(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(ContentBlockSchema) })),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheWriteTokens: z.number(),
    cacheReadTokens: z.number(),
  }),
  costUsd: z.number(),
  skills: z.array(
    z.object({
      name: z.string(),
      identifier: z.string(),
      description: z.string(),
      signature: z.string(),
      code: z.string(),
      provenance: z.string(),
      score: z.number(),
    }),
  ),
}) satisfies z.ZodType<SessionSnapshot>;

export interface SessionsRepo {
  create(row: Omit<SessionRow, 'createdAt' | 'updatedAt'>): void;
  get(id: string): SessionRow | undefined;
  saveSnapshot(id: string, snapshot: SessionSnapshot): void;
  setStatus(id: string, status: SessionStatus): void;
  /**
   * Sessions left `running` by a process that stopped: marks them interrupted and returns them (a row
   * whose transcript cannot be read is marked but not returned).
   */
  markInterrupted(): SessionRow[];
  list(filter?: { status?: SessionStatus; limit?: number }): SessionRow[];
}

export function createSessionsRepo(store: Store, now: () => Date = () => new Date()): SessionsRepo {
  store.migrate('sessions', SESSIONS_MIGRATIONS);
  const db = store.db;
  const insert = db.prepare(
    `INSERT INTO sessions (id, scope, owner, channel_id, title, status, workspace_dir, snapshot, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const updateSnapshot = db.prepare('UPDATE sessions SET snapshot = ?, updated_at = ? WHERE id = ?');
  const updateStatus = db.prepare('UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?');

  const toRow = (raw: unknown): SessionRow => {
    const parsed = RowSchema.safeParse(raw);
    if (!parsed.success)
      throw new StorageError(`a session row is malformed: ${parsed.error.issues[0]?.message}`);
    let snapshot: unknown;
    try {
      snapshot = JSON.parse(parsed.data.snapshot);
    } catch (cause) {
      throw new StorageError(`the transcript of session ${parsed.data.id} is not valid JSON`, { cause });
    }
    const checked = SnapshotSchema.safeParse(snapshot);
    if (!checked.success) throw new StorageError(`the transcript of session ${parsed.data.id} is malformed`);
    const r = parsed.data;
    return {
      id: r.id,
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
  };

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
      const limit = filter.limit ?? 100;
      const rows = filter.status
        ? db
            .prepare('SELECT * FROM sessions WHERE status = ? ORDER BY updated_at DESC LIMIT ?')
            .all(filter.status, limit)
        : db.prepare('SELECT * FROM sessions ORDER BY updated_at DESC LIMIT ?').all(limit);
      return rows.map(toRow);
    },
  };
}

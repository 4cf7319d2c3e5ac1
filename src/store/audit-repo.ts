/**
 * The audit log: who ran what task, each code run and tool call, the outcome and the cost.
 * Append-only; read back for review (`list`).
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';

export const AUDIT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    session_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    cost_usd REAL NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX audit_session ON audit (session_id, id);`,
  // For retention: rows older than a date are found by time.
  'CREATE INDEX audit_at ON audit (at);',
];

export const AUDIT_KINDS = [
  'task',
  'message',
  'code',
  'tool',
  'outcome',
  'vote',
  'refused',
  'approval',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEntry {
  at: string;
  sessionId: string;
  actor: string;
  kind: AuditKind;
  data: Record<string, unknown>;
  costUsd: number;
}

const RowSchema = z.object({
  at: z.string(),
  session_id: z.string(),
  actor: z.string(),
  kind: z.enum(AUDIT_KINDS),
  data: z.string(),
  cost_usd: z.number(),
});

export interface AuditRepo {
  record(entry: Omit<AuditEntry, 'at' | 'costUsd'> & { costUsd?: number }): void;
  list(sessionId: string): AuditEntry[];
  /** Delete the rows recorded before `before` (retention); returns how many went. */
  prune(before: Date): number;
}

/** Rows deleted per statement by `prune`, so one prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

export function createAuditRepo(store: Store, now: () => Date = () => new Date()): AuditRepo {
  store.migrate('audit', AUDIT_MIGRATIONS);
  const insert = store.db.prepare(
    'INSERT INTO audit (at, session_id, actor, kind, data, cost_usd) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const select = store.db.prepare(
    'SELECT at, session_id, actor, kind, data, cost_usd FROM audit WHERE session_id = ? ORDER BY id',
  );
  const deleteBatch = store.db.prepare(
    `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? LIMIT ${PRUNE_BATCH})`,
  );
  return {
    record(entry) {
      insert.run(
        now().toISOString(),
        entry.sessionId,
        entry.actor,
        entry.kind,
        JSON.stringify(entry.data),
        entry.costUsd ?? 0,
      );
    },
    prune(before) {
      // `at` is an ISO 8601 UTC string, so text order is time order.
      const cutoff = before.toISOString();
      let deleted = 0;
      for (;;) {
        const { changes } = deleteBatch.run(cutoff);
        deleted += Number(changes);
        if (Number(changes) < PRUNE_BATCH) return deleted;
      }
    },
    list(sessionId) {
      return select.all(sessionId).flatMap((raw) => {
        const row = RowSchema.safeParse(raw);
        if (!row.success) return [];
        let data: Record<string, unknown> = {};
        try {
          const parsed: unknown = JSON.parse(row.data.data);
          if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
        } catch {
          // keep the entry with empty data rather than lose it
        }
        return [
          {
            at: row.data.at,
            sessionId: row.data.session_id,
            actor: row.data.actor,
            kind: row.data.kind,
            data,
            costUsd: row.data.cost_usd,
          },
        ];
      });
    },
  };
}

/**
 * Spend, read from the audit log: the cost of each finished message (its `outcome` row), by member and
 * by server (the session's scope), since a point in time. Quotas and `/usage` read it; nothing writes.
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';

export const USAGE_MIGRATIONS: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS audit_kind_at ON audit (kind, at, actor);',
];

const TotalSchema = z.object({ total: z.number() });
const SpenderSchema = z.object({ actor: z.string(), total: z.number() });

export interface UsageRepo {
  /** USD spent since `since` (ISO time), by one member and/or in one server. */
  spend(filter: { since: string; actor?: string; scope?: string }): number;
  /** The members who spent most in a server since `since`. */
  top(filter: { since: string; scope: string; limit: number }): { actor: string; costUsd: number }[];
}

/** Needs the audit and sessions tables (their repos migrate them first). */
export function createUsageRepo(store: Store): UsageRepo {
  store.migrate('usage', USAGE_MIGRATIONS);
  const base = `FROM audit a LEFT JOIN sessions s ON s.id = a.session_id WHERE a.kind = 'outcome' AND a.at >= ?`;
  const queries = {
    all: store.db.prepare(`SELECT COALESCE(SUM(a.cost_usd), 0) AS total ${base}`),
    actor: store.db.prepare(`SELECT COALESCE(SUM(a.cost_usd), 0) AS total ${base} AND a.actor = ?`),
    scope: store.db.prepare(`SELECT COALESCE(SUM(a.cost_usd), 0) AS total ${base} AND s.scope = ?`),
    both: store.db.prepare(
      `SELECT COALESCE(SUM(a.cost_usd), 0) AS total ${base} AND a.actor = ? AND s.scope = ?`,
    ),
    top: store.db.prepare(
      `SELECT a.actor AS actor, SUM(a.cost_usd) AS total ${base} AND s.scope = ? GROUP BY a.actor ORDER BY total DESC LIMIT ?`,
    ),
  };
  return {
    spend({ since, actor, scope }) {
      const row =
        actor !== undefined && scope !== undefined
          ? queries.both.get(since, actor, scope)
          : actor !== undefined
            ? queries.actor.get(since, actor)
            : scope !== undefined
              ? queries.scope.get(since, scope)
              : queries.all.get(since);
      const parsed = TotalSchema.safeParse(row);
      return parsed.success ? parsed.data.total : 0;
    },
    top({ since, scope, limit }) {
      return queries.top.all(since, scope, limit).flatMap((raw) => {
        const row = SpenderSchema.safeParse(raw);
        return row.success ? [{ actor: row.data.actor, costUsd: row.data.total }] : [];
      });
    },
  };
}

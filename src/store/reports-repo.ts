/**
 * Reports of finished task messages, by id: the buttons under an answer (votes, "show skill") carry
 * the id, so they find the report they were posted with, after a restart too, and never a later one.
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';

export const REPORTS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    actor TEXT NOT NULL,
    task TEXT NOT NULL,
    ok INTEGER NOT NULL,
    skills_used TEXT NOT NULL,
    skill_learned TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX reports_session ON reports (session_id, at);
  CREATE TABLE report_votes (
    report_id TEXT NOT NULL REFERENCES reports (id),
    member_id TEXT NOT NULL,
    delta INTEGER NOT NULL CHECK (delta IN (-1, 1)),
    at TEXT NOT NULL,
    PRIMARY KEY (report_id, member_id)
  ) STRICT;`,
];

export const ReportRowSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  scope: z.string(),
  actor: z.string(),
  task: z.string(),
  ok: z.boolean(),
  skillsUsed: z.array(z.string()),
  skillLearned: z.string().optional(),
  at: z.string(),
});

export type ReportRow = z.infer<typeof ReportRowSchema>;

const RawSchema = z.object({
  id: z.string(),
  session_id: z.string(),
  scope: z.string(),
  actor: z.string(),
  task: z.string(),
  ok: z.number(),
  skills_used: z.string(),
  skill_learned: z.string().nullable(),
  at: z.string(),
});

export interface ReportsRepo {
  add(row: Omit<ReportRow, 'at'>): void;
  get(id: string): ReportRow | undefined;
  /** Record a member's vote on a report: false when that member already voted on it (one vote each). */
  addVote(reportId: string, memberId: string, delta: 1 | -1): boolean;
}

export function createReportsRepo(store: Store, now: () => Date = () => new Date()): ReportsRepo {
  store.migrate('reports', REPORTS_MIGRATIONS);
  const insert = store.db.prepare(
    `INSERT INTO reports (id, session_id, scope, actor, task, ok, skills_used, skill_learned, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = store.db.prepare('SELECT * FROM reports WHERE id = ?');
  const insertVote = store.db.prepare(
    'INSERT INTO report_votes (report_id, member_id, delta, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  return {
    add(row) {
      insert.run(
        row.id,
        row.sessionId,
        row.scope,
        row.actor,
        row.task,
        row.ok ? 1 : 0,
        JSON.stringify(row.skillsUsed),
        row.skillLearned ?? null,
        now().toISOString(),
      );
    },
    addVote(reportId, memberId, delta) {
      return insertVote.run(reportId, memberId, delta, now().toISOString()).changes === 1;
    },
    get(id) {
      const raw = RawSchema.safeParse(select.get(id));
      if (!raw.success) return undefined;
      let skillsUsed: unknown;
      try {
        skillsUsed = JSON.parse(raw.data.skills_used);
      } catch {
        skillsUsed = [];
      }
      const row = ReportRowSchema.safeParse({
        id: raw.data.id,
        sessionId: raw.data.session_id,
        scope: raw.data.scope,
        actor: raw.data.actor,
        task: raw.data.task,
        ok: raw.data.ok === 1,
        skillsUsed,
        ...(raw.data.skill_learned ? { skillLearned: raw.data.skill_learned } : {}),
        at: raw.data.at,
      });
      return row.success ? row.data : undefined;
    },
  };
}

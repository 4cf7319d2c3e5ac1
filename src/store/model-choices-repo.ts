/**
 * Models members picked with /model: for one thread (its session) or, by an admin, for a channel.
 * The task service reads them before each message; the most specific choice wins.
 */
import { z } from 'zod';
import type { Store } from './open-store.ts';

export const MODEL_CHOICES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE model_choices (
    target TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    chosen_by TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT;`,
];

export type ChoiceTarget = { sessionId: string } | { channelId: string };

const RowSchema = z.object({ model: z.string() });

export interface ModelChoicesRepo {
  get(target: ChoiceTarget): string | undefined;
  set(target: ChoiceTarget, model: string, by: string): void;
}

const keyOf = (target: ChoiceTarget) =>
  'sessionId' in target ? `session:${target.sessionId}` : `channel:${target.channelId}`;

export function createModelChoicesRepo(store: Store, now: () => Date = () => new Date()): ModelChoicesRepo {
  store.migrate('model_choices', MODEL_CHOICES_MIGRATIONS);
  const select = store.db.prepare('SELECT model FROM model_choices WHERE target = ?');
  const upsert = store.db.prepare(
    `INSERT INTO model_choices (target, model, chosen_by, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (target) DO UPDATE SET model = excluded.model, chosen_by = excluded.chosen_by, at = excluded.at`,
  );
  return {
    get(target) {
      const row = RowSchema.safeParse(select.get(keyOf(target)));
      return row.success ? row.data.model : undefined;
    },
    set(target, model, by) {
      upsert.run(keyOf(target), model, by, now().toISOString());
    },
  };
}

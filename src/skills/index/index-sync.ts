/**
 * Start-up catch-up of the index with the store. A save writes the store first and the index second,
 * so a process killed between the two leaves a skill the index lacks (never acknowledged, but kept:
 * the store is the truth); an index restored from a backup may hold vectors of deleted or edited
 * skills. Comparing ids and embedded-text hashes finds both, and only those are re-embedded.
 */

import { skillEmbeddingText, textHash } from '../records/skill-text.ts';
import type { Skill } from '../types.ts';
import type { SkillIndex, SkillIndexEntry } from './skill-index.ts';

export interface SyncResult {
  upserted: number;
  deleted: number;
  /** The queued index write, when there was anything to change. */
  written?: Promise<void>;
}

export async function syncIndex(parts: {
  index: SkillIndex;
  skills: Skill[];
  entryOf: (skills: Skill[]) => Promise<SkillIndexEntry[]>;
}): Promise<SyncResult> {
  const indexed = await parts.index.entries();
  const stale = parts.skills.filter(
    (skill) => indexed.get(String(skill.id)) !== textHash(skillEmbeddingText(skill)),
  );
  const live = new Set(parts.skills.map((skill) => String(skill.id)));
  const gone = [...indexed.keys()].filter((id) => !live.has(id));
  if (stale.length === 0 && gone.length === 0) return { upserted: 0, deleted: 0 };
  const entries = await parts.entryOf(stale);
  const writes = [parts.index.upsert(entries), ...(gone.length > 0 ? [parts.index.delete(gone)] : [])];
  const written = Promise.all(writes).then(() => undefined);
  written.catch(() => undefined);
  return { upserted: stale.length, deleted: gone.length, written };
}

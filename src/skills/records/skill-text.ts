/** What gets embedded for a skill, how a skill is described in a prompt, and how counters nudge ranking. */
import { createHash } from 'node:crypto';
import type { OfferedSkill } from '../../agent/types.ts';
import { GLOBAL_SCOPE } from '../skill-name.ts';
import type { Skill } from '../types.ts';

/** The text a skill is found by: its name as words, its description and the task it came from (not raw code). */
export function skillEmbeddingText(skill: Pick<Skill, 'name' | 'description' | 'task'>): string {
  const task = skill.task.trim();
  return `${skill.name.replace(/-/g, ' ')}: ${skill.description.trim()}${task ? `\nTask: ${task.slice(0, 2000)}` : ''}`;
}

/** A short hash of the embedded text: the index keeps it to notice vectors that went stale. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A small bonus for skills that worked and that people liked: up to +0.03 for a perfect record over
 * five or more calls (as much below for a bad one), plus 0.01 per net vote within -3..+5. Similarity
 * still dominates: a bonus never lifts a skill past one clearly nearer.
 */
export function rankBonus(skill: Pick<Skill, 'succeeded' | 'failed' | 'votes'>): number {
  const calls = skill.succeeded + skill.failed;
  const record = calls === 0 ? 0 : 0.06 * (skill.succeeded / calls - 0.5) * Math.min(1, calls / 5);
  return record + 0.01 * Math.max(-3, Math.min(5, skill.votes));
}

/** "learned from a task by ana, v2 by bo, calls tools.web.fetch, used in 12 tasks (11 ok), votes +3". */
export function provenance(skill: Skill): string {
  const origin =
    skill.source === 'seed'
      ? 'seed skill shipped with Toolsmith'
      : skill.source === 'imported'
        ? `imported by ${skill.author}`
        : `learned from a task by ${skill.author}`;
  const parts = [origin];
  if (skill.scope === GLOBAL_SCOPE && skill.source !== 'seed') parts.push('shared with every server');
  if (skill.version > 1 || skill.versionAuthor !== skill.author)
    parts.push(`v${skill.version} by ${skill.versionAuthor}`);
  if (skill.state !== 'approved') parts.push(`${skill.state}, not reviewed`);
  if (skill.tools.length > 0) parts.push(`calls ${skill.tools.map((tool) => `tools.${tool}`).join(', ')}`);
  const calls = skill.succeeded + skill.failed;
  parts.push(
    calls === 0
      ? 'not used yet'
      : `used in ${skill.used} tasks (${skill.succeeded} ok, ${skill.failed} failed)`,
  );
  if (skill.votes !== 0) parts.push(`votes ${skill.votes > 0 ? '+' : ''}${skill.votes}`);
  return parts.join(', ');
}

/** A skill as the agent's prompt shows it. */
export function toOffered(skill: Skill, score: number): OfferedSkill {
  return {
    name: skill.name,
    identifier: skill.identifier,
    description: skill.description,
    signature: skill.signature,
    code: skill.code,
    provenance: provenance(skill),
    score,
  };
}

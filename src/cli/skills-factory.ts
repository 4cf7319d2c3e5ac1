/** The skill library for the front ends (the empty source until the library is configured). */
import { createEmptySkillSource } from '../agent/empty-skill-source.ts';
import type { App, CreateAppOptions } from '../app/create-app.ts';
import type { SkillAdmin } from '../discord/types.ts';

export const createCliSkills: NonNullable<CreateAppOptions['createSkills']> = async () =>
  createEmptySkillSource();

/** The skill admin API for /skills and votes (undefined: the library is not enabled). */
export async function createBotSkillAdmin(_app: App): Promise<SkillAdmin | undefined> {
  return undefined;
}

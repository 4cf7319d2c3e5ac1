/** The skill library for the CLI front ends (the empty source until the library is configured). */

import { createEmptySkillSource } from '../agent/empty-skill-source.ts';
import type { CreateAppOptions } from '../app/create-app.ts';

export const createCliSkills: NonNullable<CreateAppOptions['createSkills']> = async () =>
  createEmptySkillSource();

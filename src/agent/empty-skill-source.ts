import type { SkillSource } from './types.ts';

/** A skill source that offers nothing and learns nothing (no skill library configured). */
export function createEmptySkillSource(): SkillSource {
  return {
    retrieve: async () => [],
    sandboxApi: () => ({ namespace: 'skills', bindings: {} }),
    learn: async () => undefined,
  };
}

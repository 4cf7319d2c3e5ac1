/** The skill library as the Discord bot's /skills and votes see it: a guild's skills plus global ones. */
import type { SkillAdmin, SkillDetail, SkillSummary } from '../discord/types.ts';
import { scopesFor } from '../skills/skill-name.ts';
import type { Skill, SkillLibrary } from '../skills/types.ts';

export function createSkillAdmin(library: SkillLibrary): SkillAdmin {
  return {
    list: async (scope) => library.list(scopesFor(scope)).map(skillSummary),
    search: async (text, scope) =>
      (await library.search(text, scopesFor(scope), 10)).map((hit) => skillSummary(hit.skill)),
    get: async (name, scope) => {
      const skill = library.get(name, scopesFor(scope));
      return skill ? skillDetail(skill) : undefined;
    },
    remove: (name, scope) => {
      const skill = library.get(name, scopesFor(scope));
      return skill ? library.delete(skill.name, skill.scope) : Promise.resolve(false);
    },
    vote: async (name, scope, delta) => {
      const skill = library.get(name, scopesFor(scope));
      if (skill) library.vote(skill.name, skill.scope, delta);
    },
  };
}

/** A skill as listed to people. */
export function skillSummary(skill: Skill): SkillSummary {
  return {
    name: skill.name,
    description: skill.description,
    scope: skill.scope,
    author: skill.author,
    used: skill.used,
    succeeded: skill.succeeded,
    failed: skill.failed,
    votes: skill.votes,
  };
}

/** A skill as shown whole (/skills show). */
export function skillDetail(skill: Skill): SkillDetail {
  return {
    ...skillSummary(skill),
    signature: skill.signature,
    code: skill.code,
    task: skill.task,
    source: skill.source,
    version: skill.version,
  };
}

/**
 * A small in-memory skill library for the bot's tests: the agent's SkillSource (retrieval, skills
 * callable in the sandbox through the real sandbox API, learning on success) and the bot's
 * SkillAdmin (/skills and votes) over one Map, with every vote recorded for the tests to check.
 */
import type { SkillSource } from '../../src/agent/types.ts';
import { skillDetail } from '../../src/app/skill-admin.ts';
import type { SkillAdmin } from '../../src/discord/types.ts';
import { createSkillSandboxApi } from '../../src/skills/sandbox-api.ts';
import type { Skill } from '../../src/skills/types.ts';

export interface SeedSkill {
  name: string;
  description: string;
  /** JavaScript defining the function named by the name in camelCase. */
  code: string;
  signature: string;
  scope?: string;
  author?: string;
}

export interface MemorySkills {
  source: SkillSource;
  admin: SkillAdmin;
  /** Every vote the admin API received. */
  votes: { name: string; scope: string; delta: 1 | -1 }[];
  /** Skills by `scope/name`. */
  skills: Map<string, Skill>;
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `learnAs`: the name a successful task's code is saved under (none: nothing is learned). */
export function createMemorySkills(seeds: SeedSkill[], options: { learnAs?: string } = {}): MemorySkills {
  const skills = new Map<string, Skill>();
  const votes: MemorySkills['votes'] = [];
  let nextId = 1;
  const put = (draft: Omit<Skill, 'id' | 'identifier' | 'createdAt' | 'updatedAt' | 'version' | 'hash'>) => {
    const at = new Date().toISOString();
    const skill: Skill = {
      ...draft,
      id: nextId++,
      identifier: camel(draft.name),
      createdAt: at,
      updatedAt: at,
      version: 1,
      hash: String(nextId),
    };
    skills.set(`${skill.scope}/${skill.name}`, skill);
    return skill;
  };
  for (const seed of seeds) {
    put({
      ...seed,
      scope: seed.scope ?? 'global',
      author: seed.author ?? 'toolsmith',
      task: '',
      source: 'seed',
      retrieved: 0,
      used: 0,
      succeeded: 0,
      failed: 0,
      votes: 0,
    });
  }
  const visible = (scope: string) =>
    [...skills.values()].filter((s) => s.scope === scope || s.scope === 'global');
  const find = (name: string, scope: string) =>
    skills.get(`${scope}/${name}`) ?? skills.get(`global/${name}`);
  const detail = skillDetail;

  const source: SkillSource = {
    async retrieve(query) {
      return visible(query.scope).map((skill) => ({
        name: skill.name,
        identifier: skill.identifier,
        description: skill.description,
        signature: skill.signature,
        code: skill.code,
        provenance: `${skill.source}, used ${skill.used} times`,
        score: 1,
      }));
    },
    sandboxApi(scope, onUse) {
      return createSkillSandboxApi({
        resolve: (identifier) => visible(scope.scope).find((skill) => skill.identifier === identifier),
        identifiers: () => visible(scope.scope).map((skill) => skill.identifier),
        onCall: (skill, ok) => {
          skill.used++;
          if (ok) skill.succeeded++;
          else skill.failed++;
          onUse?.(skill.name, ok);
        },
      });
    },
    async learn(report, scope) {
      if (!options.learnAs || !report.ok || !report.resultCode) return undefined;
      const skill = put({
        name: options.learnAs,
        description: `Learned from: ${report.task}`,
        signature: `${camel(options.learnAs)}()`,
        code: report.resultCode,
        task: report.task,
        scope: scope.scope,
        author: scope.author,
        source: 'learned',
        retrieved: 0,
        used: 0,
        succeeded: 0,
        failed: 0,
        votes: 0,
      });
      return skill.name;
    },
  };

  const admin: SkillAdmin = {
    async list(scope) {
      return visible(scope).map(detail);
    },
    async search(text, scope) {
      const words = text.toLowerCase().split(/\W+/).filter(Boolean);
      return visible(scope)
        .filter((skill) =>
          words.some((word) => `${skill.name} ${skill.description}`.toLowerCase().includes(word)),
        )
        .map(detail);
    },
    async get(name, scope) {
      const skill = find(name, scope);
      return skill ? detail(skill) : undefined;
    },
    async remove(name, scope) {
      return skills.delete(`${scope}/${name}`);
    },
    async vote(name, scope, delta) {
      votes.push({ name, scope, delta });
      const skill = find(name, scope);
      if (skill) skill.votes += delta;
    },
  };

  return { source, admin, votes, skills };
}

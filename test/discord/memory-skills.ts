/**
 * A small in-memory skill library for the bot's tests: the agent's SkillSource (retrieval, skills
 * callable in the sandbox through the real sandbox API, learning on success) and the bot's
 * SkillAdmin (/skills and votes) over one Map, with every vote recorded for the tests to check.
 */
import type { SkillSource } from '../../src/agent/types.ts';
import { skillDetail } from '../../src/app/skill-admin.ts';
import type { SkillAdmin } from '../../src/discord/types.ts';
import { UsageError } from '../../src/errors.ts';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import type { Actor } from '../../src/service/types.ts';
import { createSkillRunner } from '../../src/skills/runner/skill-runner.ts';
import { createSkillSandboxApi } from '../../src/skills/sandbox-api.ts';
import type { Skill, VoteInput } from '../../src/skills/types.ts';

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
  type Fields = Omit<
    Skill,
    | 'id'
    | 'identifier'
    | 'createdAt'
    | 'updatedAt'
    | 'version'
    | 'hash'
    | 'tools'
    | 'state'
    | 'versionAuthor'
    | 'overrides'
    | 'checkResult'
  >;
  const put = (draft: Fields) => {
    const at = new Date().toISOString();
    const skill: Skill = {
      tools: [],
      state: 'approved',
      versionAuthor: draft.author,
      overrides: false,
      checkResult: '',
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
    sandboxApi(scope, onUse, caller) {
      const runner = createSkillRunner({
        createSandbox,
        ...(caller?.tools ? { callerTools: caller.tools } : {}),
      });
      return createSkillSandboxApi({
        resolve: (identifier) => visible(scope.scope).find((skill) => skill.identifier === identifier),
        identifiers: () => visible(scope.scope).map((skill) => skill.identifier),
        run: (skill, args, callOptions) => runner.call(skill, args, callOptions),
        dispose: () => runner.dispose(),
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

  const scopeOf = (who: Actor | string) => (typeof who === 'string' ? who : (who.guildId ?? 'global'));
  async function vote(input: VoteInput): Promise<void>;
  async function vote(name: string, scope: string, delta: 1 | -1): Promise<void>;
  async function vote(first: VoteInput | string, scopeArg?: string, deltaArg?: 1 | -1): Promise<void> {
    const [name, scope, delta] =
      typeof first === 'string'
        ? [first, scopeArg ?? 'global', deltaArg ?? 1]
        : [first.skill, first.scope, first.delta];
    votes.push({ name, scope, delta });
    const skill = find(name, scope);
    if (skill) skill.votes += delta;
  }
  const admin: SkillAdmin = {
    async list(who) {
      return visible(scopeOf(who)).map(detail);
    },
    async search(text, who) {
      const words = text.toLowerCase().split(/\W+/).filter(Boolean);
      return visible(scopeOf(who))
        .filter((skill) =>
          words.some((word) => `${skill.name} ${skill.description}`.toLowerCase().includes(word)),
        )
        .map(detail);
    },
    async get(name, who) {
      const skill = find(name, scopeOf(who));
      return skill ? detail(skill) : undefined;
    },
    async remove(name, who) {
      return skills.delete(`${scopeOf(who)}/${name}`);
    },
    proposals: () => [],
    decide: async () => {
      throw new UsageError('the in-memory skills have no review');
    },
    history: () => [],
    isReviewer: () => false,
    vote,
  };

  return { source, admin, votes, skills };
}

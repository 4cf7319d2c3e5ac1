/**
 * The skill library as a front end manages it for a person: what they may see in their server,
 * review, history, removal and votes, each checked against the trust rules (skills/records/trust.ts)
 * with the person's rights from the config (OPERATOR_USERS, ADMIN_ROLE, SKILL_REVIEWER_ROLE, or
 * Discord's Administrator permission in their own server). The allowlists are the front end's to
 * check first (the task service's `access`). No Discord types here: the Discord side adapts.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import { UsageError } from '../errors.ts';
import type { Actor } from '../service/types.ts';
import { canReview, memberActor, operatorActor } from '../skills/records/trust.ts';
import { GLOBAL_SCOPE, scopesFor } from '../skills/skill-name.ts';
import type {
  Proposal,
  Skill,
  SkillActor,
  SkillLibrary,
  SkillVersionRecord,
  SkillViewer,
  VoteInput,
} from '../skills/types.ts';

/** A skill as listed to people. */
export interface SkillSummary {
  name: string;
  description: string;
  scope: string;
  author: string;
  state: string;
  used: number;
  succeeded: number;
  failed: number;
  votes: number;
}

/** A skill as shown whole (/skills show). */
export interface SkillDetail extends SkillSummary {
  signature: string;
  code: string;
  task: string;
  source: string;
  version: number;
  versionAuthor: string;
  tools: string[];
  checkResult: string;
  /** How `skills.<identifier>` resolves for the person who asked. */
  resolution: string;
}

/** A proposal as a reviewer sees it. */
/** A proposal as reviewers read it (Discord and the CLI alike). */
export function proposalView(p: Proposal): ProposalView {
  return {
    name: p.skill.name,
    scope: p.skill.scope,
    version: p.version.version,
    newSkill: p.skill.state === 'proposed',
    author: p.version.author,
    task: p.version.task,
    checkResult: p.version.checkResult,
    tools: p.version.tools,
    code: p.version.code,
    needsOverride: p.shadowsGlobal,
  };
}

export interface ProposalView {
  name: string;
  scope: string;
  version: number;
  newSkill: boolean;
  author: string;
  task: string;
  checkResult: string;
  tools: string[];
  code: string;
  /** It takes the name of a global skill: it can only be approved as an override (or rejected). */
  needsOverride: boolean;
}

/** A reviewer's decision on a proposal (from a button or a command). */
export interface ReviewDecision {
  skill: string;
  scope: string;
  version: number;
  decision: 'approve' | 'reject';
  override?: boolean;
}

/** Who may do what, from the config: operators own `global`, reviewers their own server. */
export interface SkillRoles {
  operators: readonly string[];
  adminRole: string | undefined;
  reviewerRole: string | undefined;
}

export interface SkillAdmin {
  list(who: Actor | string): Promise<SkillSummary[]>;
  search(text: string, who: Actor | string): Promise<SkillSummary[]>;
  get(name: string, who: Actor | string): Promise<SkillDetail | undefined>;
  /** Remove (a seed: disable) a skill the person sees; a sentence saying what happened. */
  remove(name: string, who: Actor | string): Promise<boolean>;
  /** Proposals of the person's server (and `global` for an operator); refused for non-reviewers. */
  proposals(actor: Actor): ProposalView[];
  decide(actor: Actor, decision: ReviewDecision): Promise<string>;
  history(name: string, actor: Actor): SkillVersionRecord[];
  /** May this person review skills of their server? */
  isReviewer(actor: Actor): boolean;
  /** One vote per member per answer per skill. (The three-argument form is the older, unattributed one.) */
  vote(input: VoteInput): Promise<void>;
  vote(name: string, scope: string, delta: 1 | -1): Promise<void>;
}

export const RESOLUTION_ORDER =
  "skills.<name> resolves to: this server's skill approved as an override, else the global skill, else this server's approved skill, else your own proposal";

/** The trust rights of `actor` under `roles`. */
export function skillActorOf(actor: Actor, roles: SkillRoles): SkillActor {
  if (actor.operator || roles.operators.includes(actor.userId)) return operatorActor(actor.userId);
  const scope = actor.guildId;
  const reviewer =
    scope !== null &&
    (actor.isGuildAdmin ||
      (roles.adminRole !== undefined && actor.roleIds.includes(roles.adminRole)) ||
      (roles.reviewerRole !== undefined && actor.roleIds.includes(roles.reviewerRole)));
  return reviewer && scope
    ? { id: actor.userId, operator: false, reviewerOf: [scope] }
    : memberActor(actor.userId);
}

/** The rights the config gives. */
export function skillRolesFrom(config: Pick<Config, 'skills' | 'discord'>): SkillRoles {
  return {
    operators: config.skills.operators,
    adminRole: config.discord.adminRole,
    reviewerRole: config.skills.reviewerRole,
  };
}

export function skillSummary(skill: Skill): SkillSummary {
  return {
    name: skill.name,
    description: skill.description,
    scope: skill.scope,
    author: skill.author,
    state: skill.state,
    used: skill.used,
    succeeded: skill.succeeded,
    failed: skill.failed,
    votes: skill.votes,
  };
}

export function skillDetail(skill: Skill): SkillDetail {
  return {
    ...skillSummary(skill),
    signature: skill.signature,
    code: skill.code,
    task: skill.task,
    source: skill.source,
    version: skill.version,
    versionAuthor: skill.versionAuthor,
    tools: skill.tools,
    checkResult: skill.checkResult,
    resolution: RESOLUTION_ORDER,
  };
}

export function createSkillAdmin(
  library: SkillLibrary,
  roles: SkillRoles = { operators: [], adminRole: undefined, reviewerRole: undefined },
): SkillAdmin {
  const viewerOf = (who: Actor | string): SkillViewer | undefined =>
    typeof who === 'string' ? undefined : { scope: who.guildId ?? GLOBAL_SCOPE, member: who.userId };
  const scopeOf = (who: Actor | string) => (typeof who === 'string' ? who : (who.guildId ?? GLOBAL_SCOPE));
  const find = (name: string, who: Actor | string) =>
    library.get(name, scopesFor(scopeOf(who)), viewerOf(who));
  /** A bare scope carries no person: it may look, never change anything. */
  const rights = (who: Actor | string) =>
    typeof who === 'string' ? memberActor('') : skillActorOf(who, roles);

  async function vote(input: VoteInput): Promise<void>;
  async function vote(name: string, scope: string, delta: 1 | -1): Promise<void>;
  async function vote(first: VoteInput | string, scope?: string, delta?: 1 | -1): Promise<void> {
    const input: VoteInput =
      typeof first === 'string'
        ? {
            answerId: `unattributed-${randomUUID()}`,
            memberId: 'unattributed',
            skill: first,
            scope: scope ?? GLOBAL_SCOPE,
            delta: delta ?? 1,
          }
        : first;
    library.vote(input);
  }

  return {
    list: async (who) => library.list(scopesFor(scopeOf(who)), viewerOf(who)).map(skillSummary),
    search: async (text, who) =>
      (await library.search(text, scopesFor(scopeOf(who)), 10, viewerOf(who))).map((hit) =>
        skillSummary(hit.skill),
      ),
    get: async (name, who) => {
      const skill = find(name, who);
      return skill ? skillDetail(skill) : undefined;
    },
    remove: async (name, who) => {
      const skill = find(name, who);
      return skill ? library.delete(skill.name, skill.scope, rights(who)) : false;
    },
    proposals(actor) {
      const skillActor = skillActorOf(actor, roles);
      const scope = actor.guildId ?? GLOBAL_SCOPE;
      const scopes = [scope, ...(skillActor.operator ? [GLOBAL_SCOPE] : [])].filter((s) =>
        canReview(skillActor, s),
      );
      if (scopes.length === 0) {
        throw new UsageError(
          'only a reviewer of this server (its admin role or skill reviewer role) can review skills',
        );
      }
      return library.proposals(scopes).map(proposalView);
    },
    async decide(actor, decision) {
      const skillActor = skillActorOf(actor, roles);
      const options = { version: decision.version, ...(decision.override ? { override: true } : {}) };
      if (decision.decision === 'approve') {
        const skill = await library.approve(decision.skill, decision.scope, skillActor, options);
        return `Approved ${skill.name} v${skill.version}: it is shared in ${skill.scope === GLOBAL_SCOPE ? 'every server' : 'this server'}.`;
      }
      const skill = await library.reject(decision.skill, decision.scope, skillActor, {
        version: decision.version,
      });
      return `Rejected v${decision.version} of ${skill.name}.`;
    },
    history: (name, actor) => {
      const skill = find(name, actor);
      if (!skill) throw new UsageError(`no skill named ${name} here`);
      return library.history(skill.name, skill.scope);
    },
    isReviewer: (actor) => canReview(skillActorOf(actor, roles), actor.guildId ?? GLOBAL_SCOPE),
    vote,
  };
}

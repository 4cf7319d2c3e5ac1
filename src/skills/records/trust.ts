/**
 * Who may see, run, add, change, approve and remove which skill. One module so the README's table
 * and the tests have one place to point at.
 *
 * - See and run: approved skills of the member's server and `global`; a proposed skill only by its
 *   author, in its server. Rejected and disabled skills by nobody.
 * - `skills.<name>` resolution, first match wins: the server's skill when an admin approved it as an
 *   override of a global name; the global skill; the server's approved skill; the member's own
 *   proposed skill.
 * - Approve, reject, revert: a reviewer of the skill's server (ADMIN_ROLE or SKILL_REVIEWER_ROLE);
 *   `global` only an operator (OPERATOR_USERS or the CLI), never from one server.
 * - Remove: an operator; a reviewer of the skill's server; the author of a skill in a server (not
 *   `global`). A seed is disabled rather than deleted, and stays disabled.
 */
import { UsageError } from '../../errors.ts';
import { GLOBAL_SCOPE } from '../skill-name.ts';
import type { Skill, SkillActor, SkillViewer } from '../types.ts';

/** May `viewer` see (and call) `skill`? */
export function visibleTo(skill: Skill, viewer: SkillViewer): boolean {
  if (skill.scope !== viewer.scope && skill.scope !== GLOBAL_SCOPE) return false;
  if (skill.state === 'approved') return true;
  return skill.state === 'proposed' && skill.scope === viewer.scope && skill.author === viewer.member;
}

/** The order `skills.<name>` resolves in (lower first); undefined when the viewer may not see it. */
export function resolutionRank(skill: Skill, viewer: SkillViewer): number | undefined {
  if (!visibleTo(skill, viewer)) return undefined;
  if (skill.scope === GLOBAL_SCOPE) return 1;
  if (skill.state === 'approved') return skill.overrides ? 0 : 2;
  return 3;
}

/** The skill among same-named candidates that `viewer` gets, per the resolution order. */
export function resolveFor(candidates: readonly Skill[], viewer: SkillViewer): Skill | undefined {
  let best: Skill | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const skill of candidates) {
    const rank = resolutionRank(skill, viewer);
    if (rank !== undefined && rank < bestRank) {
      best = skill;
      bestRank = rank;
    }
  }
  return best;
}

/** May `actor` approve, reject or revert skills of `scope`? */
export function canReview(actor: SkillActor, scope: string): boolean {
  if (actor.operator) return true;
  return scope !== GLOBAL_SCOPE && actor.reviewerOf.includes(scope);
}

/** May `actor` remove `skill`? */
export function canRemove(actor: SkillActor, skill: Skill): boolean {
  if (canReview(actor, skill.scope)) return true;
  return skill.scope !== GLOBAL_SCOPE && skill.source !== 'seed' && skill.author === actor.id;
}

/** Throw a UsageError unless `actor` may review skills of `scope`. */
export function assertReviewer(actor: SkillActor, scope: string, what: string): void {
  if (canReview(actor, scope)) return;
  throw new UsageError(
    scope === GLOBAL_SCOPE
      ? `only an operator can ${what} a global skill`
      : `only a reviewer of this server (its admin role or skill reviewer role) can ${what} a skill`,
    {
      fix:
        scope === GLOBAL_SCOPE
          ? 'Ask an operator (OPERATOR_USERS) or use `toolsmith skills` on the bot host'
          : 'Ask a server admin, or set SKILL_REVIEWER_ROLE',
    },
  );
}

/** An actor with no rights beyond their own skills (a member whose task produced a skill). */
export function memberActor(id: string): SkillActor {
  return { id, operator: false, reviewerOf: [] };
}

/** The operator at the terminal (the CLI acts with the host's authority). */
export function operatorActor(id = 'operator'): SkillActor {
  return { id, operator: true, reviewerOf: [] };
}

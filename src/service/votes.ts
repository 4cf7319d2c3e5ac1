/**
 * 👍/👎 on an answer: checked against the allowlists, counted once per member per answer (the
 * report's vote table), for the skills that answer used or learned, and audited.
 */
import type { AuditRepo } from '../store/audit-repo.ts';
import type { ReportsRepo } from '../store/reports-repo.ts';
import type { Actor, SkillVotes, VoteOutcome } from './types.ts';

export function createVoting(options: {
  reports: ReportsRepo;
  audit: Pick<AuditRepo, 'record'>;
  skillVotes: SkillVotes | undefined;
  /** A sentence when the actor may not use the bot here (audited by the caller). */
  refusal: (actor: Actor) => string | undefined;
}): (reportId: string, actor: Actor, delta: 1 | -1) => Promise<VoteOutcome> {
  const { reports, audit, skillVotes } = options;
  return async (reportId, actor, delta) => {
    const refusal = options.refusal(actor);
    if (refusal) return { status: 'refused', refusal };
    const report = reports.get(reportId);
    if (!report) return { status: 'unknown' };
    if (!reports.addVote(reportId, actor.userId, delta)) return { status: 'already-voted' };
    const skills = [
      ...new Set([...(report.skillLearned ? [report.skillLearned] : []), ...report.skillsUsed]),
    ];
    for (const skill of skills)
      await skillVotes?.vote({
        answerId: reportId,
        memberId: actor.userId,
        skill,
        scope: report.scope,
        delta,
      });
    audit.record({
      sessionId: report.sessionId,
      actor: actor.userId,
      kind: 'vote',
      data: { delta, skills, reportId },
    });
    return { status: 'counted', skills };
  };
}

/**
 * Who may do what, now: the allowlists (every command and button), cost quotas, and the per-member
 * rate limit that counts every message (new tasks and follow-ups). One place for the sentences a
 * refused member reads.
 */
import type { Config, Quotas } from '../config.ts';
import type { UsageRepo } from '../store/usage-repo.ts';
import { createPermissions } from './permissions.ts';
import type { Profile } from './profiles.ts';
import { createQuotaKeeper, type UsageReport } from './quotas.ts';
import { createRateLimiter } from './rate-limiter.ts';
import type { Actor } from './types.ts';

export interface Admission {
  /** The allowlists only: a sentence when `actor` may not use the bot here at all. */
  access(actor: Actor): string | undefined;
  /** Access, quotas and the rate limit (a slot taken when allowed), for a message. */
  admit(actor: Actor): string | undefined;
  isAdmin(actor: Actor): boolean;
  /** Admins and the approver role, within the allowlists. */
  mayApprove(actor: Actor): boolean;
  usage(actor: Actor): UsageReport;
}

export function createAdmission(options: {
  config: Pick<Config, 'tasks' | 'discord'>;
  usage: UsageRepo;
  now: () => number;
  /** The channel profile in force for an actor (its quotas and approver role win). */
  profileOf?: (actor: Actor) => Profile | undefined;
}): Admission {
  const { config, now } = options;
  const permissions = createPermissions(config.discord);
  const rateLimit = createRateLimiter(config.tasks.rateLimitPerMinute, now);
  const quotasFor = (actor: Actor): Quotas => {
    const own = options.profileOf?.(actor)?.quotas;
    if (!own) return config.tasks.quotas;
    const base = config.tasks.quotas;
    return {
      ...base,
      member: {
        dailyUsd: own.memberDailyUsd ?? base.member.dailyUsd,
        monthlyUsd: own.memberMonthlyUsd ?? base.member.monthlyUsd,
      },
      server: {
        dailyUsd: own.serverDailyUsd ?? base.server.dailyUsd,
        monthlyUsd: own.serverMonthlyUsd ?? base.server.monthlyUsd,
      },
    };
  };
  const quotas = createQuotaKeeper({ quotasFor, usage: options.usage, now });
  return {
    access: (actor) => permissions.refusal(actor),
    admit(actor) {
      const refusal = permissions.refusal(actor) ?? quotas.refusal(actor, permissions.isAdmin(actor));
      if (refusal || actor.operator) return refusal;
      const limited = rateLimit.take(actor.userId);
      if (limited.ok) return undefined;
      const per = config.tasks.rateLimitPerMinute;
      return `Slow down: you can send ${per} message${per === 1 ? '' : 's'} to Toolsmith a minute (tasks and follow-ups). Try again in ${limited.retryInS} s.`;
    },
    isAdmin: (actor) => permissions.isAdmin(actor),
    mayApprove(actor) {
      const role = options.profileOf?.(actor)?.approverRole ?? config.tasks.approvals.approverRole;
      return (
        permissions.refusal(actor) === undefined &&
        (permissions.isAdmin(actor) || (role !== undefined && actor.roleIds.includes(role)))
      );
    },
    usage: (actor) => quotas.report(actor),
  };
}

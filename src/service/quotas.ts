/**
 * Cost quotas per member (raised by their roles) and per server, per UTC day and month, counted from
 * the audit log, so follow-ups, restarts and both front ends all count. Checked before each message.
 */
import type { Quotas } from '../config.ts';
import type { UsageRepo } from '../store/usage-repo.ts';
import type { Actor } from './types.ts';

export interface Spend {
  todayUsd: number;
  monthUsd: number;
}

export interface UsageReport {
  member: Spend & { dailyLimitUsd: number; monthlyLimitUsd: number };
  server: Spend & { dailyLimitUsd: number; monthlyLimitUsd: number };
  /** Top spenders of the server this month (for admins). */
  top: { actor: string; costUsd: number }[];
  dayResetsAt: Date;
  monthResetsAt: Date;
}

export interface QuotaKeeper {
  /** A sentence when `actor` (or their server) is over a quota now, naming when it resets. */
  refusal(actor: Actor, isAdmin: boolean): string | undefined;
  report(actor: Actor): UsageReport;
}

/** Midnight UTC today and the first of this month, and when each period ends. */
export function periods(now: Date) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return {
    day,
    month,
    nextDay: new Date(day.getTime() + 86_400_000),
    nextMonth: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

const usd = (value: number) => `$${value.toFixed(2)}`;

export function createQuotaKeeper(options: {
  /** The quotas that hold for `actor` (the config's, or their channel profile's). */
  quotasFor: (actor: Actor) => Quotas;
  usage: UsageRepo;
  now: () => number;
}): QuotaKeeper {
  const { usage } = options;
  /** A member's limits: the most generous of their roles' and the default (0, no quota, is the most generous). */
  const memberLimits = (actor: Actor) => {
    const quotas = options.quotasFor(actor);
    const pick = (key: 'dailyUsd' | 'monthlyUsd') => {
      const values = [
        quotas.member[key],
        ...quotas.roles.filter((r) => actor.roleIds.includes(r.roleId)).map((r) => r[key]),
      ];
      return values.includes(0) ? 0 : Math.max(...values);
    };
    return { daily: pick('dailyUsd'), monthly: pick('monthlyUsd') };
  };
  const scopeOf = (actor: Actor) => actor.guildId ?? 'local';

  const report = (actor: Actor): UsageReport => {
    const quotas = options.quotasFor(actor);
    const at = periods(new Date(options.now()));
    const scope = scopeOf(actor);
    const limits = memberLimits(actor);
    const spend = (filter: { actor?: string; scope?: string }) => ({
      todayUsd: usage.spend({ since: at.day.toISOString(), ...filter }),
      monthUsd: usage.spend({ since: at.month.toISOString(), ...filter }),
    });
    return {
      member: {
        ...spend({ actor: actor.userId }),
        dailyLimitUsd: limits.daily,
        monthlyLimitUsd: limits.monthly,
      },
      server: {
        ...spend({ scope }),
        dailyLimitUsd: quotas.server.dailyUsd,
        monthlyLimitUsd: quotas.server.monthlyUsd,
      },
      top: usage.top({ since: at.month.toISOString(), scope, limit: 5 }),
      dayResetsAt: at.nextDay,
      monthResetsAt: at.nextMonth,
    };
  };

  return {
    report,
    refusal(actor, isAdmin) {
      const quotas = options.quotasFor(actor);
      if (actor.operator || (isAdmin && quotas.adminsExempt)) return undefined;
      const limits = memberLimits(actor);
      if (!limits.daily && !limits.monthly && !quotas.server.dailyUsd && !quotas.server.monthlyUsd)
        return undefined;
      const r = report(actor);
      const when = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const over = (spent: number, limit: number) => limit > 0 && spent >= limit;
      if (over(r.member.todayUsd, limits.daily))
        return `You have used your daily quota (${usd(r.member.todayUsd)} of ${usd(limits.daily)}). It resets at ${when(r.dayResetsAt)}.`;
      if (over(r.member.monthUsd, limits.monthly))
        return `You have used your monthly quota (${usd(r.member.monthUsd)} of ${usd(limits.monthly)}). It resets at ${when(r.monthResetsAt)}.`;
      if (over(r.server.todayUsd, quotas.server.dailyUsd))
        return `This server has used its daily quota (${usd(r.server.todayUsd)} of ${usd(quotas.server.dailyUsd)}). It resets at ${when(r.dayResetsAt)}.`;
      if (over(r.server.monthUsd, quotas.server.monthlyUsd))
        return `This server has used its monthly quota (${usd(r.server.monthUsd)} of ${usd(quotas.server.monthlyUsd)}). It resets at ${when(r.monthResetsAt)}.`;
      return undefined;
    },
  };
}

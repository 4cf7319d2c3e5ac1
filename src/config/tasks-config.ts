/** The task service's settings from the environment: slots, session lifecycle, rate limit, quotas, approvals. */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Env } from './env-schema.ts';

/** The task service's part of the configuration. */
export interface TasksConfig {
  /** Tasks running at once, all servers together (default: twice the cores, at least 2). */
  maxConcurrent: number;
  /** Tasks of one server running at once (default: the global cap less one, at least 1). */
  maxConcurrentPerServer: number;
  /** What the machine's cores allow without starving the bot's event loop. */
  recommendedMaxConcurrent: number;
  /** Messages (tasks and follow-ups) per member per minute. */
  rateLimitPerMinute: number;
  /** An idle live session is released (sandbox freed, transcript kept) after this long. */
  sessionIdleMs: number;
  /** At most this many sessions keep a live sandbox; the least recently used idle one goes first. */
  maxLiveSessions: number;
  /** Cost quotas in USD (0 = none), from the audit log's outcomes, per UTC day and month. */
  quotas: Quotas;
  /** Tool calls that need a person: who may decide (besides admins) and how long a call waits. */
  approvals: { approverRole: string | undefined; timeoutMs: number };
}

/** Cost quotas: per member (raised by their roles), per server; 0 means no quota. */
export interface Quotas {
  member: { dailyUsd: number; monthlyUsd: number };
  server: { dailyUsd: number; monthlyUsd: number };
  /** Per role id: a member's quota is the most generous of their roles' and the member default. */
  roles: { roleId: string; dailyUsd: number; monthlyUsd: number }[];
  /** Admins (Administrator, ADMIN_ROLE) are not held to quotas. */
  adminsExempt: boolean;
}

const RoleQuotaSchema = z
  .string()
  .regex(/^[^=\s]+=\d+(\.\d+)?\/\d+(\.\d+)?$/, 'expected ROLE_ID=DAILY/MONTHLY in USD, e.g. 123=5/50');

export function quotasConfig(e: Env): Quotas {
  const roles = e.QUOTA_ROLES.map((entry) => {
    const checked = RoleQuotaSchema.safeParse(entry);
    if (!checked.success)
      throw new ConfigError('QUOTA_ROLES', `${checked.error.issues[0]?.message} (got "${entry}")`, {
        fix: 'Set QUOTA_ROLES to comma-separated ROLE_ID=DAILY/MONTHLY entries (see .env.example)',
      });
    const [roleId = '', amounts = ''] = entry.split('=');
    const [daily = '0', monthly = '0'] = amounts.split('/');
    return { roleId, dailyUsd: Number(daily), monthlyUsd: Number(monthly) };
  });
  return {
    member: { dailyUsd: e.QUOTA_MEMBER_DAILY_USD, monthlyUsd: e.QUOTA_MEMBER_MONTHLY_USD },
    server: { dailyUsd: e.QUOTA_SERVER_DAILY_USD, monthlyUsd: e.QUOTA_SERVER_MONTHLY_USD },
    roles,
    adminsExempt: e.QUOTA_ADMINS_EXEMPT,
  };
}

export function tasksConfig(e: Env): TasksConfig {
  const recommended = Math.max(2, 2 * availableParallelism());
  const maxConcurrent = e.MAX_CONCURRENT_TASKS || recommended;
  return {
    maxConcurrent,
    maxConcurrentPerServer: Math.min(
      maxConcurrent,
      e.MAX_CONCURRENT_PER_SERVER || Math.max(1, maxConcurrent - 1),
    ),
    recommendedMaxConcurrent: recommended,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    maxLiveSessions: e.SESSION_MAX_LIVE,
    quotas: quotasConfig(e),
    approvals: { approverRole: e.APPROVER_ROLE, timeoutMs: e.APPROVAL_TIMEOUT_MS },
  };
}

/**
 * The parts a task service is built from (its options, the redacting audit, the approval desk, the
 * admission, the fair scheduler, the live-session registry with its idle sweeper) and the one flag
 * they share: whether the service is closing. The service's methods are functions of these parts.
 */
import type { SessionSnapshot } from '../agent/session-snapshot.ts';
import type { TaskSession } from '../agent/task-session.ts';
import type { TaskScope } from '../agent/types.ts';
import type { Config } from '../config.ts';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { ModelChoicesRepo } from '../store/model-choices-repo.ts';
import type { ReportsRepo } from '../store/reports-repo.ts';
import type { SessionsRepo } from '../store/sessions-repo.ts';
import type { UsageRepo } from '../store/usage-repo.ts';
import { createRedactor, type Redactor } from '../text/redact-secrets.ts';
import { type Admission, createAdmission } from './admission.ts';
import { type ApprovalDesk, createApprovalDesk } from './approvals.ts';
import { createFairScheduler, type FairScheduler } from './fair-scheduler.ts';
import { createSetupResolver, type ModelCatalog, type SetupResolver } from './message-setup.ts';
import { NO_PROFILES, type Profiles } from './profiles.ts';
import { infoOf } from './service-status.ts';
import { createSessionRegistry, type SessionRegistry } from './session-registry.ts';
import type { FrontEnd, SandboxProcessInfo, SkillVotes } from './types.ts';

/** What a task service is built from: the store's repos, the config, and how sessions are opened. */
export interface TaskServiceOptions {
  config: Pick<Config, 'tasks' | 'discord'>;
  sessions: SessionsRepo<SessionSnapshot>;
  audit: AuditRepo;
  reports: ReportsRepo;
  /** Spend from the audit log, for quotas and `usage`. */
  usage: UsageRepo;
  /** Replaces known secrets in everything the service hands out or keeps (events, reports, audit rows). */
  redactor?: Redactor;
  /** Channel profiles (PROFILES); none by default. */
  profiles?: Profiles;
  /** The models members may pick, and their clients; without it every message uses the session's model. */
  catalog?: ModelCatalog;
  /** Models picked with /model. */
  choices: ModelChoicesRepo;
  /** Where votes on skills are counted (the skill library), if there is one. */
  skillVotes?: SkillVotes;
  /** A new or restored task session with the app's parts and limits. */
  openSession(options: {
    id: string;
    scope: TaskScope;
    frontEnd: FrontEnd;
    restore?: SessionSnapshot;
    restoredBecause?: 'restart' | 'released';
    workspaceDir?: string;
  }): Promise<TaskSession>;
  now?: () => number;
  /** Lines for the operator (sessions released, ...). */
  log?: (message: string) => void;
  /** The sandbox worker processes, for the status (default: none, the sandboxes run inline). */
  sandboxProcesses?: () => SandboxProcessInfo[];
  /** How often idle sessions are looked for, in ms (default: a tenth of the idle time, at most a minute). */
  sweepIntervalMs?: number;
}

/** The service's parts and its shared state. */
export interface ServiceParts {
  readonly options: TaskServiceOptions;
  readonly now: () => number;
  readonly redactor: Redactor;
  /** The audit repo with every row's data redacted. */
  readonly audit: AuditRepo;
  readonly desk: ApprovalDesk;
  readonly setups: SetupResolver;
  readonly admission: Admission;
  readonly scheduler: FairScheduler;
  readonly registry: SessionRegistry;
  readonly sweeper: ReturnType<typeof setInterval>;
  /** Set once by `shutdown`: no new work is taken. */
  closing: boolean;
}

/** Build the parts from the options and start the idle sweeper (unref'd; `closeParts` clears it). */
export function createServiceParts(options: TaskServiceOptions): ServiceParts {
  const { config } = options;
  const now = options.now ?? Date.now;
  const redactor = options.redactor ?? createRedactor([]);
  // Audit rows keep no secret, whatever the code printed or passed to a tool.
  const audit: AuditRepo = {
    ...options.audit,
    record: (entry) => options.audit.record({ ...entry, data: redactor.redactDeep(entry.data) }),
  };
  const setups = createSetupResolver({
    profiles: options.profiles ?? NO_PROFILES,
    catalog: options.catalog,
    choices: options.choices,
  });
  const registry = createSessionRegistry({
    idleMs: config.tasks.sessionIdleMs,
    maxLive: config.tasks.maxLiveSessions,
    now,
    onRelease: (id, reason) =>
      options.log?.(`session ${id} released (${reason === 'idle' ? 'idle' : 'too many live sessions'})`),
    restore: (id, released) => restoreSession(parts, id, released),
  });
  const sweepEvery =
    options.sweepIntervalMs ?? Math.min(60_000, Math.max(1000, config.tasks.sessionIdleMs / 10));
  const sweeper = setInterval(() => registry.sweep(), sweepEvery);
  sweeper.unref();
  const parts: ServiceParts = {
    options,
    now,
    redactor,
    audit,
    desk: createApprovalDesk({
      timeoutMs: config.tasks.approvals.timeoutMs,
      now,
      redact: (text) => redactor.redact(text),
      audit,
    }),
    setups,
    admission: createAdmission({ config, usage: options.usage, now, profileOf: setups.profile }),
    scheduler: createFairScheduler({
      maxConcurrent: config.tasks.maxConcurrent,
      maxPerServer: config.tasks.maxConcurrentPerServer,
    }),
    registry,
    sweeper,
    closing: false,
  };
  return parts;
}

/** A saved session opened again (after a restart or a release); none when closed or shutting down. */
async function restoreSession(parts: ServiceParts, id: string, released: boolean) {
  const row = parts.options.sessions.get(id);
  if (!row || row.status === 'closed' || parts.closing) return undefined;
  const session = await parts.options.openSession({
    id: row.id,
    scope: { scope: row.scope, author: row.owner },
    frontEnd: infoOf(row).frontEnd,
    restore: row.snapshot,
    restoredBecause: released ? 'released' : 'restart',
  });
  if (parts.closing) {
    session.dispose();
    return undefined;
  }
  return { info: infoOf(row), session };
}

/** Stop taking work, cancel running steps, wait until no queue grows any more, release every sandbox. */
export async function closeParts(parts: ServiceParts): Promise<void> {
  const { registry } = parts;
  parts.closing = true;
  clearInterval(parts.sweeper);
  for (const entry of registry.all()) entry.controller?.abort();
  // Wait until no chain grows any more: a message may be queued while the others wind down.
  for (;;) {
    const entries = registry.all();
    const chains = entries.map((entry) => entry.chain);
    await Promise.allSettled(chains);
    const after = registry.all();
    if (after.length === entries.length && after.every((entry, i) => entry.chain === chains[i])) break;
  }
  registry.clear();
}

/**
 * The task service: the one application core both front ends drive. It owns opening and restoring
 * sessions, one queue per session, stop, the fair slots, access and rate limits, the audit trail,
 * transcripts and reports. Discord and the terminal parse input and render its events; nothing else.
 */
import type { SessionSnapshot } from '../agent/session-snapshot.ts';
import type { TaskSession } from '../agent/task-session.ts';
import type { TaskScope } from '../agent/types.ts';
import { listWorkspaceFiles } from '../agent/workspace-files.ts';
import type { Config } from '../config.ts';
import { describeError } from '../errors.ts';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { ModelChoicesRepo } from '../store/model-choices-repo.ts';
import type { ReportsRepo } from '../store/reports-repo.ts';
import type { SessionRow, SessionsRepo } from '../store/sessions-repo.ts';
import type { UsageRepo } from '../store/usage-repo.ts';
import { createRedactor, type Redactor } from '../text/redact-secrets.ts';
import { createAdmission } from './admission.ts';
import { createApprovalDesk } from './approvals.ts';
import { createFairScheduler } from './fair-scheduler.ts';
import { createSetupResolver, type ModelCatalog } from './message-setup.ts';
import { NO_PROFILES, type Profiles } from './profiles.ts';
import { runMessage } from './run-message.ts';
import { createSessionRegistry, type LiveSession } from './session-registry.ts';
import type {
  Actor,
  FrontEnd,
  IncomingFile,
  MessageObserver,
  MessageOutcome,
  OpenRequest,
  SessionInfo,
  SkillVotes,
  TaskService,
} from './types.ts';
import { createVoting } from './votes.ts';

type Message = { actor: Actor; text: string; files?: IncomingFile[] };

/** Said of a message that arrives, or waited, while the service stops. */
export const SHUTDOWN_TEXT =
  'Toolsmith is restarting, so this message was not worked on: send it again when the bot is back.';

export const UNREADABLE_TEXT =
  "⚠️ This task's saved conversation cannot be read, so it cannot go on here: start a new one with /task.";

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
  /** How often idle sessions are looked for, in ms (default: a tenth of the idle time, at most a minute). */
  sweepIntervalMs?: number;
}

export function createTaskService(options: TaskServiceOptions): TaskService {
  const { config, sessions, reports } = options;
  const now = options.now ?? Date.now;
  const redactor = options.redactor ?? createRedactor([]);
  // Audit rows keep no secret, whatever the code printed or passed to a tool.
  const audit: AuditRepo = {
    ...options.audit,
    record: (entry) => options.audit.record({ ...entry, data: redactor.redactDeep(entry.data) }),
  };
  const desk = createApprovalDesk({
    timeoutMs: config.tasks.approvals.timeoutMs,
    now,
    redact: (text) => redactor.redact(text),
    audit,
  });
  const setups = createSetupResolver({
    profiles: options.profiles ?? NO_PROFILES,
    catalog: options.catalog,
    choices: options.choices,
  });
  const admission = createAdmission({ config, usage: options.usage, now, profileOf: setups.profile });
  const scheduler = createFairScheduler({
    maxConcurrent: config.tasks.maxConcurrent,
    maxPerServer: config.tasks.maxConcurrentPerServer,
  });
  let closing = false;

  const infoOf = (row: SessionRow<SessionSnapshot>): SessionInfo => ({
    id: row.id,
    scope: row.scope,
    owner: row.owner,
    title: row.title,
    workspaceDir: row.workspaceDir,
    frontEnd: row.frontEnd === 'terminal' ? 'terminal' : 'discord',
  });

  const registry = createSessionRegistry({
    idleMs: config.tasks.sessionIdleMs,
    maxLive: config.tasks.maxLiveSessions,
    now,
    onRelease: (id, reason) =>
      options.log?.(`session ${id} released (${reason === 'idle' ? 'idle' : 'too many live sessions'})`),
    async restore(id, released) {
      const row = sessions.get(id);
      if (!row || row.status === 'closed' || closing) return undefined;
      const session = await options.openSession({
        id: row.id,
        scope: { scope: row.scope, author: row.owner },
        frontEnd: infoOf(row).frontEnd,
        restore: row.snapshot,
        restoredBecause: released ? 'released' : 'restart',
      });
      if (closing) {
        session.dispose();
        return undefined;
      }
      return { info: infoOf(row), session };
    },
  });
  const sweepEvery =
    options.sweepIntervalMs ?? Math.min(60_000, Math.max(1000, config.tasks.sessionIdleMs / 10));
  const sweeper = setInterval(() => registry.sweep(), sweepEvery);
  sweeper.unref();

  /** Shutdown, access, quotas and rate limit (a slot taken when allowed): a sentence when refused. */
  const refusalOf = (actor: Actor): string | undefined =>
    closing ? 'Toolsmith is shutting down; try again in a minute.' : admission.admit(actor);

  const refuse = (actor: Actor, sessionId: string, refusal: string, data: Record<string, unknown> = {}) => {
    audit.record({
      sessionId,
      actor: actor.userId,
      kind: 'refused',
      data: { reason: refusal, guildId: actor.guildId, channelId: actor.channelId, ...data },
    });
    return refusal;
  };

  const openSession = async (request: OpenRequest): Promise<LiveSession> => {
    const scope = request.actor.operator ? 'local' : (request.actor.guildId ?? 'local');
    const session = await options.openSession({
      id: request.id,
      scope: { scope, author: request.actor.userId },
      frontEnd: request.frontEnd,
      ...(request.workspaceDir ? { workspaceDir: request.workspaceDir } : {}),
    });
    const info: SessionInfo = {
      id: request.id,
      scope,
      owner: request.actor.userId,
      title: request.title,
      workspaceDir: session.workspaceDir,
      frontEnd: request.frontEnd,
    };
    sessions.create({ ...info, channelId: request.channelId, status: 'idle', snapshot: session.snapshot() });
    audit.record({
      sessionId: request.id,
      actor: request.actor.userId,
      kind: 'task',
      data: { title: request.title, guildId: request.actor.guildId, ...request.details },
    });
    return registry.add(info, session);
  };

  /** Queue a message behind the session's others; never rejects. */
  const enqueue = (
    live: LiveSession,
    message: Message,
    observer: MessageObserver,
  ): Promise<MessageOutcome> => {
    live.pending++;
    registry.touch(live);
    const done: Promise<MessageOutcome> = live.chain
      .then(() =>
        runMessage({
          entry: live,
          message,
          observer,
          scheduler,
          sessions,
          audit,
          reports,
          desk,
          redactor,
          setup: setups.setupFor(live.info.id, message.actor),
          isClosing: () => closing,
        }),
      )
      .catch((error: unknown) => ({ status: 'error' as const, message: describeError(error) }))
      .finally(() => {
        live.pending--;
        registry.touch(live);
      });
    live.chain = done.then(() => undefined);
    return done;
  };

  return {
    admit(actor) {
      const refusal = refusalOf(actor);
      return refusal ? refuse(actor, '-', refusal, { command: 'task' }) : undefined;
    },

    access: (actor) => admission.access(actor),

    open: async (request) => (await openSession(request)).info,

    async start(request, message, observer = {}) {
      const entry = await openSession(request);
      return { session: entry.info, done: enqueue(entry, { ...message, actor: request.actor }, observer) };
    },

    has: (id) => registry.get(id) !== undefined || (sessions.get(id)?.status ?? 'closed') !== 'closed',

    async send(sessionId, message, observer = {}) {
      if (closing) return { accepted: false, reason: 'refused', refusal: SHUTDOWN_TEXT };
      let entry: LiveSession | undefined;
      try {
        entry = await registry.acquire(sessionId);
      } catch (error) {
        options.log?.(`session ${sessionId} cannot be restored: ${describeError(error)}`);
        return { accepted: false, reason: 'refused', refusal: UNREADABLE_TEXT };
      }
      if (!entry) return { accepted: false, reason: 'unknown' };
      const refusal = refusalOf(message.actor);
      if (refusal)
        return { accepted: false, reason: 'refused', refusal: refuse(message.actor, sessionId, refusal) };
      const waits = entry.pending > 0;
      return { accepted: true, waits, done: enqueue(entry, message, observer) };
    },

    stop(sessionId, actor) {
      const entry = registry.get(sessionId);
      if (!entry) return 'unknown';
      if (entry.info.owner !== actor.userId && !admission.isAdmin(actor)) return 'not-allowed';
      if (!entry.controller) return 'idle';
      entry.controller.abort();
      return 'stopped';
    },

    report: (id) => reports.get(id),

    vote: createVoting({
      reports,
      audit,
      skillVotes: options.skillVotes,
      refusal: (actor) => {
        const refusal = admission.access(actor);
        return refusal ? refuse(actor, '-', refusal, { command: 'vote' }) : undefined;
      },
    }),

    async files(sessionId) {
      const dir = registry.get(sessionId)?.info.workspaceDir ?? sessions.get(sessionId)?.workspaceDir;
      return dir
        ? (await listWorkspaceFiles(dir)).map((file) => ({ path: file.path, bytes: file.bytes }))
        : [];
    },

    async resetSandbox(sessionId) {
      await registry.get(sessionId)?.session.resetSandbox();
    },

    totals(sessionId) {
      const totals = registry.get(sessionId)?.session.totals ?? sessions.get(sessionId)?.snapshot;
      if (!totals) return undefined;
      return { usage: totals.usage, costUsd: totals.costUsd };
    },

    list: (filter = {}) => sessions.list(filter).map(infoOf),

    status: () => ({
      running: scheduler.running,
      queued: scheduler.waiting,
      maxConcurrent: config.tasks.maxConcurrent,
      maxConcurrentPerServer: config.tasks.maxConcurrentPerServer,
      liveSessions: registry.all().length,
      maxLiveSessions: config.tasks.maxLiveSessions,
      sandboxHeapBytes: registry.heapBytes(),
      rssBytes: process.memoryUsage.rss(),
      servers: scheduler.servers(),
    }),

    recoverInterrupted: () =>
      sessions.markInterrupted().map((row) => ({ id: row.id, channelId: row.channelId })),

    isAdmin: (actor) => admission.isAdmin(actor),

    usage: (actor) => admission.usage(actor),

    profile: (actor) => setups.profile(actor),

    models: () => options.catalog?.models() ?? [],

    modelId: (sessionId, actor) => setups.modelId(sessionId, actor),

    chooseModel(target, actor, model) {
      if ('sessionId' in target) {
        const owner = registry.get(target.sessionId)?.info.owner ?? sessions.get(target.sessionId)?.owner;
        if (!owner) return 'unknown-session';
        return setups.choose({ sessionId: target.sessionId, owner }, actor, admission.isAdmin(actor), model);
      }
      return setups.choose(target, actor, admission.isAdmin(actor), model);
    },

    decide: (approvalId, actor, choice) =>
      desk.decide(approvalId, actor.userId, choice, admission.mayApprove(actor)),

    async shutdown() {
      closing = true;
      clearInterval(sweeper);
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
    },
  };
}

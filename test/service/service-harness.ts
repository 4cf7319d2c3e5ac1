/**
 * The task service on a real store (SQLite in a temporary folder), with scripted task sessions in
 * place of the agent: each message's work is held until the test finishes it, so ordering, slots,
 * stop and lifecycle are tested without timing. The agent itself is tested in test/agent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent } from '../../src/agent/events.ts';
import { type SessionSnapshot, SessionSnapshotSchema } from '../../src/agent/session-snapshot.ts';
import type { SendOptions, TaskSession } from '../../src/agent/task-session.ts';
import type { TaskReport } from '../../src/agent/types.ts';
import { loadConfig } from '../../src/config.ts';
import { createTaskService, type TaskServiceOptions } from '../../src/service/create-task-service.ts';
import type { Actor, TaskService } from '../../src/service/types.ts';
import { type AuditRepo, createAuditRepo } from '../../src/store/audit-repo.ts';
import { createModelChoicesRepo } from '../../src/store/model-choices-repo.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createReportsRepo } from '../../src/store/reports-repo.ts';
import { createSessionsRepo, type SessionsRepo } from '../../src/store/sessions-repo.ts';
import { createUsageRepo } from '../../src/store/usage-repo.ts';
import { createRedactor } from '../../src/text/redact-secrets.ts';

/** A message being worked on by a scripted session. */
export interface Held {
  sessionId: string;
  text: string;
  signal: AbortSignal | undefined;
  emit: (event: AgentEvent) => void;
  /** What the service set up for this message (profile and model). */
  setup: SendOptions['setup'];
  /** Ask for approval as a tool call that needs it would. */
  approve: NonNullable<SendOptions['approve']>;
  /** End the message with an answer (or a given report). */
  finish(report?: Partial<TaskReport>): void;
}

export interface ServiceHarness {
  service: TaskService;
  store: Store;
  sessions: SessionsRepo<SessionSnapshot>;
  audit: AuditRepo;
  /** Messages being worked on now, in the order they started. */
  running: Held[];
  /** Every `openSession` call: which id, and whether it restored a saved session. */
  opened: { id: string; restoredBecause: string | undefined }[];
  /** Sessions disposed (released or shut down). */
  disposed: string[];
  clock: { now: number };
  /** Wait until `n` messages are running (or the condition holds). */
  waitFor(condition: () => boolean): Promise<void>;
  /** A new service on the same store, as after a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A configured secret: nothing the service hands out may contain it. */
export const SECRET = 'sk-secret-value-123456';

export const member = (userId: string, guildId = 'g1', extra: Partial<Actor> = {}): Actor => ({
  userId,
  guildId,
  channelId: 'c1',
  roleIds: [],
  isGuildAdmin: false,
  ...extra,
});

export function report(text: string, extra: Partial<TaskReport> = {}): TaskReport {
  return {
    ok: true,
    answer: `answer to ${text}`,
    task: text,
    stopReason: 'answered',
    steps: 1,
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0.001,
    durationMs: 1,
    runs: [],
    resultCode: '',
    files: [],
    skillsOffered: [],
    skillsUsed: [],
    ...extra,
  };
}

export async function createServiceHarness(
  env: Record<string, string> = {},
  extra: Partial<TaskServiceOptions> = {},
): Promise<ServiceHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-service-'));
  const config = loadConfig({ DATA_DIR: dir, MAX_CONCURRENT_TASKS: '2', ...env });
  const store = openStore({ dataDir: dir });
  const sessions = createSessionsRepo(store, { snapshotSchema: SessionSnapshotSchema });
  const audit = createAuditRepo(store);
  const reports = createReportsRepo(store);
  const usage = createUsageRepo(store);
  const choices = createModelChoicesRepo(store);
  const running: Held[] = [];
  const opened: ServiceHarness['opened'] = [];
  const disposed: string[] = [];
  const clock = { now: 1_000_000 };

  const scriptedSession = (
    id: string,
    scope: { scope: string; author: string },
    restore?: SessionSnapshot,
  ) => {
    let busy = false;
    let heap = 1024 * 1024;
    const snapshot = (): SessionSnapshot =>
      restore ?? {
        id,
        scope,
        workspaceDir: path.join(dir, 'workspaces', id),
        messages: [],
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        costUsd: 0,
        skills: [],
      };
    const session: TaskSession = {
      id,
      workspaceDir: path.join(dir, 'workspaces', id),
      messages: [],
      totals: { usage: snapshot().usage, costUsd: 0 },
      get busy() {
        return busy;
      },
      send(text: string, options: SendOptions = {}) {
        if (busy) return Promise.reject(new Error('two messages at once in one session'));
        busy = true;
        heap += 1024 * 1024;
        return new Promise<TaskReport>((resolve) => {
          const held: Held = {
            sessionId: id,
            text,
            signal: options.signal,
            emit: (event) => options.onEvent?.(event),
            setup: options.setup,
            approve: (request) =>
              options.approve?.(request) ??
              Promise.resolve({ approved: false, by: 'nobody', note: 'no approver' }),
            finish: (extra = {}) => {
              running.splice(running.indexOf(held), 1);
              busy = false;
              resolve(report(text, extra));
            },
          };
          options.signal?.addEventListener('abort', () =>
            held.finish({ ok: false, stopReason: 'aborted', answer: 'Stopped.' }),
          );
          running.push(held);
        });
      },
      files: async () => [],
      snapshot,
      resetSandbox: async () => {},
      heapBytes: () => heap,
      dispose: () => disposed.push(id),
    };
    return session;
  };

  const build = () =>
    createTaskService({
      config,
      sessions,
      audit,
      reports,
      usage,
      choices,
      redactor: createRedactor([SECRET]),
      now: () => clock.now,
      sweepIntervalMs: 5,
      async openSession({ id, scope, restore, restoredBecause }) {
        opened.push({ id, restoredBecause });
        return scriptedSession(id, scope, restore);
      },
      ...extra,
    });

  const harness: ServiceHarness = {
    service: build(),
    store,
    sessions,
    audit,
    running,
    opened,
    disposed,
    clock,
    async waitFor(condition) {
      for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
      if (!condition()) throw new Error('timed out waiting for a condition');
    },
    async restart() {
      for (const held of [...running]) held.finish();
      await harness.service.shutdown();
      harness.service = build();
    },
    async close() {
      await harness.service.shutdown();
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

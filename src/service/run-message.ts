/**
 * One message of a session, in its turn: files into the workspace, a fair slot, the agent's work with
 * its events audited and passed on, the transcript saved (by the session) and the report stored.
 */
import { randomUUID } from 'node:crypto';
import type { SessionSnapshot } from '../agent/session-snapshot.ts';
import type { MessageSetup } from '../agent/task-session.ts';
import type { TaskReport } from '../agent/types.ts';
import { describeError } from '../errors.ts';
import { budgetCostOf, isCostKnown } from '../model/pricing.ts';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { ReportsRepo } from '../store/reports-repo.ts';
import type { SessionsRepo } from '../store/sessions-repo.ts';
import type { Redactor } from '../text/redact-secrets.ts';
import type { ApprovalDesk } from './approvals.ts';
import { createMessageAuditor } from './audit-events.ts';
import type { FairScheduler } from './fair-scheduler.ts';
import type { LiveSession } from './session-registry.ts';
import type { Actor, IncomingFile, MessageObserver, MessageOutcome, TaskEvent } from './types.ts';

export interface RunMessageOptions {
  entry: LiveSession;
  message: { actor: Actor; text: string; files?: IncomingFile[] };
  observer: MessageObserver;
  scheduler: FairScheduler;
  sessions: SessionsRepo<SessionSnapshot>;
  audit: AuditRepo;
  reports: ReportsRepo;
  isClosing: () => boolean;
  desk: ApprovalDesk;
  redactor: Redactor;
  /** The channel profile's and the chosen model's settings for this message. */
  setup: MessageSetup;
}

type Emit = (event: TaskEvent) => void;

/** One message of a session, in its turn (see the module header); never throws for the agent's faults. */
export async function runMessage(options: RunMessageOptions): Promise<MessageOutcome> {
  const { entry, message, observer, sessions, audit, isClosing, desk, redactor } = options;
  const sessionId = entry.info.id;
  const actor = message.actor.userId;
  const emit: Emit = (event) => {
    try {
      // Nothing a secret was printed into leaves the host: progress, logs, answers.
      observer.onEvent?.(redactor.redactDeep(event));
    } catch {
      // a front end's rendering fault must not break the task
    }
  };
  if (isClosing()) return { status: 'shutdown', interruptedStep: false };

  // Files join the workspace in the message's turn: never under a running step, never out of order.
  const images = await saveFiles(entry.info.workspaceDir, message.files ?? [], emit);
  const controller = new AbortController();
  entry.controller = controller;
  const release = await takeSlot(options, controller.signal, emit);
  if (!release) {
    entry.controller = undefined;
    return isClosing() ? { status: 'shutdown', interruptedStep: false } : { status: 'cancelled' };
  }
  emit({ type: 'running' });
  sessions.setStatus(sessionId, 'running');
  audit.record({ sessionId, actor, kind: 'message', data: { text: message.text } });
  const auditor = createMessageAuditor(audit, sessionId, actor);
  let report: TaskReport;
  try {
    report = await entry.session.send(message.text, {
      signal: controller.signal,
      setup: options.setup,
      ...(images.length > 0 ? { images } : {}),
      onEvent: (event) => {
        auditor(event);
        emit(event);
      },
      approve: (request) =>
        desk.ask(sessionId, request, {
          show: (approval) => emit({ type: 'approval', approval }),
          decided: (id, decision) => emit({ type: 'approval-decided', id, ...decision }),
        }),
    });
    report = redactor.redactDeep(report);
  } catch (error) {
    sessions.setStatus(sessionId, 'idle');
    return { status: 'error', message: describeError(error) };
  } finally {
    // A call still waiting when its run ended (stopped, timed out) is denied: nothing runs without a decision.
    desk.cancelSession(sessionId, 'the run ended before a decision');
    auditor.flush();
    release();
    entry.controller = undefined;
  }
  return finish(options, report);
}

/** Save the message's files into the workspace, each outcome told; the names of the images among them. */
async function saveFiles(workspaceDir: string, files: IncomingFile[], emit: Emit): Promise<string[]> {
  const images: string[] = [];
  for (const file of files) {
    const outcome = await file.save(workspaceDir);
    if (outcome.ok && outcome.image) images.push(outcome.name);
    emit({ type: 'file', outcome });
  }
  return images;
}

/** The turn told to the front end, then a fair slot: its release, or undefined when stopped first. */
async function takeSlot(
  options: RunMessageOptions,
  signal: AbortSignal,
  emit: Emit,
): Promise<(() => void) | undefined> {
  const { scheduler, observer } = options;
  const { scope } = options.entry.info;
  const queuedAt = scheduler.positionIfQueued(scope);
  try {
    await observer.onTurn?.(queuedAt === undefined ? {} : { queuedAt });
  } catch {
    // rendering again: the task goes on
  }
  try {
    return await scheduler.acquire(scope, {
      onQueued: (position) => emit({ type: 'queued', position }),
      signal,
    });
  } catch {
    return undefined;
  }
}

/** The session's status, the outcome's audit row and the stored report of a message the agent ended. */
function finish(options: RunMessageOptions, report: TaskReport): MessageOutcome {
  const { entry, sessions, audit, reports, isClosing } = options;
  const { id: sessionId, scope, workspaceDir } = entry.info;
  const actor = options.message.actor.userId;
  // Cut short by a shutdown, the session stays `running` in the store: the next start marks it
  // interrupted and tells the thread (as after a crash). A step that ended anyway is answered.
  const interrupted = isClosing() && report.stopReason === 'aborted';
  if (!interrupted) sessions.setStatus(sessionId, 'idle');
  // Tokens of unknown price count at the agent budget's stand-in price, so quotas still hold for them.
  const costKnown = isCostKnown(report.usage);
  audit.record({
    sessionId,
    actor,
    kind: 'outcome',
    data: {
      ok: report.ok,
      stopReason: report.stopReason,
      steps: report.steps,
      skillLearned: report.skillLearned,
      ...(costKnown ? {} : { costEstimated: true }),
    },
    costUsd: budgetCostOf(report.costUsd, report.usage),
  });
  if (interrupted) return { status: 'shutdown', interruptedStep: true };
  const reportId = randomUUID();
  reports.add({
    id: reportId,
    sessionId,
    scope,
    actor,
    task: report.task,
    ok: report.ok,
    skillsUsed: report.skillsUsed,
    ...(report.skillLearned ? { skillLearned: report.skillLearned } : {}),
  });
  return { status: 'done', report, reportId, workspaceDir };
}

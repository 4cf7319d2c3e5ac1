/**
 * Tool calls that wait for a person. A call that needs approval is put on the desk: the front end
 * shows it (with its argument, redacted and cut), an approver decides (approve once, approve that tool
 * for the rest of the task, or deny), and silence past the time-out denies. Pending calls die with
 * their run (stop, shutdown): nothing runs without a decision.
 */
import { randomUUID } from 'node:crypto';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { ApprovalDecision, ApprovalRequest } from '../tools/types.ts';

export type ApprovalChoice = 'once' | 'task' | 'deny';

/** What a front end shows of a pending call. */
export interface ApprovalView {
  id: string;
  sessionId: string;
  label: string;
  reason: string;
  /** The argument as pretty JSON, secrets redacted, cut to a readable size. */
  input: string;
  expiresAt: number;
}

export type DecideOutcome =
  | { status: 'decided'; approved: boolean }
  | { status: 'expired' }
  | { status: 'not-allowed' };

interface Pending {
  view: ApprovalView;
  grantKey: string;
  settle: (decision: ApprovalDecision) => void;
  timer: NodeJS.Timeout;
}

export interface ApprovalDesk {
  /** Put a call on the desk; resolves with the decision. `show` tells the front end (once). */
  ask(
    sessionId: string,
    request: ApprovalRequest,
    hooks: { show: (view: ApprovalView) => void; decided: (id: string, decision: ApprovalDecision) => void },
  ): Promise<ApprovalDecision>;
  /** An approver's decision; `allowed` is whether this member may decide. */
  decide(id: string, by: string, choice: ApprovalChoice, allowed: boolean): DecideOutcome;
  /** Deny every pending call of a session (its run ended) and forget its "for this task" grants when `forget`. */
  cancelSession(sessionId: string, why: string, forget?: boolean): void;
  pending(sessionId?: string): ApprovalView[];
}

export interface ApprovalDeskOptions {
  timeoutMs: number;
  now: () => number;
  /** Redacts secrets from the shown argument. */
  redact: (text: string) => string;
  /** Where every decision is recorded. */
  audit: Pick<AuditRepo, 'record'>;
  maxInputChars?: number;
}

/** The desk's state: pending calls by id, and the tools approved for the rest of a task. */
interface DeskState {
  readonly options: ApprovalDeskOptions;
  readonly pending: Map<string, Pending>;
  /** Session id -> "server.tool" approved for the rest of the task. */
  readonly grants: Map<string, Set<string>>;
  /** Characters of the argument shown. */
  readonly limit: number;
}

/** A desk for tool calls that wait for a person (see the module header). */
export function createApprovalDesk(options: ApprovalDeskOptions): ApprovalDesk {
  const state: DeskState = {
    options,
    pending: new Map(),
    grants: new Map(),
    limit: options.maxInputChars ?? 1500,
  };
  return {
    ask: (sessionId, request, hooks) => ask(state, sessionId, request, hooks),
    decide: (id, by, choice, allowed) => decide(state, { id, by, choice, allowed }),
    cancelSession(sessionId, why, forget = false) {
      for (const [id, entry] of [...state.pending]) {
        if (entry.view.sessionId === sessionId)
          settle(state, id, { approved: false, by: 'nobody', note: why });
      }
      if (forget) state.grants.delete(sessionId);
    },
    pending: (sessionId) =>
      [...state.pending.values()]
        .map((p) => p.view)
        .filter((view) => !sessionId || view.sessionId === sessionId),
  };
}

/** The argument as pretty JSON, redacted and cut to the limit. */
function render(state: DeskState, input: unknown): string {
  const { limit } = state;
  let text: string;
  try {
    text = JSON.stringify(input ?? {}, null, 2) ?? 'undefined';
  } catch {
    text = String(input);
  }
  text = state.options.redact(text);
  return text.length > limit ? `${text.slice(0, limit)}\n… (${text.length - limit} more characters)` : text;
}

/** Take a call off the desk with its decision (audited); false when it was no longer there. */
function settle(state: DeskState, id: string, decision: ApprovalDecision): boolean {
  const entry = state.pending.get(id);
  if (!entry) return false;
  state.pending.delete(id);
  clearTimeout(entry.timer);
  const { view } = entry;
  state.options.audit.record({
    sessionId: view.sessionId,
    actor: decision.by,
    kind: 'approval',
    data: {
      id: view.id,
      label: view.label,
      reason: view.reason,
      approved: decision.approved,
      note: decision.note,
    },
  });
  entry.settle(decision);
  return true;
}

function ask(
  state: DeskState,
  sessionId: string,
  request: ApprovalRequest,
  hooks: Parameters<ApprovalDesk['ask']>[2],
): Promise<ApprovalDecision> {
  const { options } = state;
  const grantKey = `${request.server}.${request.tool}`;
  if (state.grants.get(sessionId)?.has(grantKey))
    return Promise.resolve({ approved: true, by: 'an earlier approval for this task' });
  const view: ApprovalView = {
    id: randomUUID(),
    sessionId,
    label: request.label,
    reason: request.reason,
    input: render(state, request.input),
    expiresAt: options.now() + options.timeoutMs,
  };
  return new Promise<ApprovalDecision>((resolve) => {
    const timer = setTimeout(
      () =>
        settle(state, view.id, {
          approved: false,
          by: 'timeout',
          note: `no decision within ${Math.round(options.timeoutMs / 1000)} s`,
        }),
      options.timeoutMs,
    );
    timer.unref();
    state.pending.set(view.id, {
      view,
      grantKey,
      timer,
      settle: (decision) => {
        hooks.decided(view.id, decision);
        resolve(decision);
      },
    });
    hooks.show(view);
  });
}

function decide(
  state: DeskState,
  call: { id: string; by: string; choice: ApprovalChoice; allowed: boolean },
): DecideOutcome {
  const { id, by, choice, allowed } = call;
  const entry = state.pending.get(id);
  if (!entry) return { status: 'expired' };
  if (!allowed) return { status: 'not-allowed' };
  const approved = choice !== 'deny';
  if (choice === 'task') {
    const set = state.grants.get(entry.view.sessionId) ?? new Set<string>();
    set.add(entry.grantKey);
    state.grants.set(entry.view.sessionId, set);
  }
  settle(state, id, {
    approved,
    by,
    ...(choice === 'task' ? { note: 'approved for the rest of this task' } : {}),
  });
  return { status: 'decided', approved };
}

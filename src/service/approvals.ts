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

export function createApprovalDesk(options: ApprovalDeskOptions): ApprovalDesk {
  const pending = new Map<string, Pending>();
  /** Session id -> "server.tool" approved for the rest of the task. */
  const grants = new Map<string, Set<string>>();
  const limit = options.maxInputChars ?? 1500;

  const render = (input: unknown): string => {
    let text: string;
    try {
      text = JSON.stringify(input ?? {}, null, 2) ?? 'undefined';
    } catch {
      text = String(input);
    }
    text = options.redact(text);
    return text.length > limit ? `${text.slice(0, limit)}\n… (${text.length - limit} more characters)` : text;
  };

  const settle = (id: string, decision: ApprovalDecision) => {
    const entry = pending.get(id);
    if (!entry) return false;
    pending.delete(id);
    clearTimeout(entry.timer);
    const { view } = entry;
    options.audit.record({
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
  };

  return {
    ask(sessionId, request, hooks) {
      const grantKey = `${request.server}.${request.tool}`;
      if (grants.get(sessionId)?.has(grantKey))
        return Promise.resolve({ approved: true, by: 'an earlier approval for this task' });
      const view: ApprovalView = {
        id: randomUUID(),
        sessionId,
        label: request.label,
        reason: request.reason,
        input: render(request.input),
        expiresAt: options.now() + options.timeoutMs,
      };
      return new Promise<ApprovalDecision>((resolve) => {
        const timer = setTimeout(
          () =>
            settle(view.id, {
              approved: false,
              by: 'timeout',
              note: `no decision within ${Math.round(options.timeoutMs / 1000)} s`,
            }),
          options.timeoutMs,
        );
        timer.unref();
        pending.set(view.id, {
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
    },

    decide(id, by, choice, allowed) {
      const entry = pending.get(id);
      if (!entry) return { status: 'expired' };
      if (!allowed) return { status: 'not-allowed' };
      const approved = choice !== 'deny';
      if (choice === 'task') {
        const set = grants.get(entry.view.sessionId) ?? new Set<string>();
        set.add(entry.grantKey);
        grants.set(entry.view.sessionId, set);
      }
      settle(id, {
        approved,
        by,
        ...(choice === 'task' ? { note: 'approved for the rest of this task' } : {}),
      });
      return { status: 'decided', approved };
    },

    cancelSession(sessionId, why, forget = false) {
      for (const [id, entry] of [...pending]) {
        if (entry.view.sessionId === sessionId) settle(id, { approved: false, by: 'nobody', note: why });
      }
      if (forget) grants.delete(sessionId);
    },

    pending: (sessionId) =>
      [...pending.values()].map((p) => p.view).filter((view) => !sessionId || view.sessionId === sessionId),
  };
}

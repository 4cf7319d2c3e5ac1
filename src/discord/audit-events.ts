/** The agent events worth keeping in the audit log: each code run and each finished tool call. */
import type { AgentEvent } from '../agent/events.ts';
import type { AuditRepo } from '../store/audit-repo.ts';

export function auditEvent(audit: AuditRepo, sessionId: string, actor: string, event: AgentEvent): void {
  if (event.type === 'code') {
    audit.record({ sessionId, actor, kind: 'code', data: { step: event.step, code: event.code } });
  } else if (event.type === 'tool-call' && event.call.phase === 'end') {
    audit.record({ sessionId, actor, kind: 'tool', data: { ...event.call } });
  }
}

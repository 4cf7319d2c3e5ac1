/**
 * The agent events worth keeping in the audit log: each code run and each finished tool call. A
 * message's code can call tools in a loop (18,000 calls in 10 s were seen), so tool rows are capped
 * per message; the rest are counted per tool and written as one summary row when the message ends.
 */
import type { AgentEvent } from '../agent/events.ts';
import type { AuditRepo } from '../store/audit-repo.ts';

/** Tool rows kept per message before the rest are only counted. */
export const TOOL_ROWS_PER_MESSAGE = 200;

export interface MessageAuditor {
  (event: AgentEvent): void;
  /** Write the summary of tool calls past the cap, if any. */
  flush(): void;
}

export function createMessageAuditor(
  audit: AuditRepo,
  sessionId: string,
  actor: string,
  maxToolRows = TOOL_ROWS_PER_MESSAGE,
): MessageAuditor {
  let toolRows = 0;
  const suppressed = new Map<string, { calls: number; failed: number }>();
  const record = (event: AgentEvent): void => {
    if (event.type === 'code') {
      audit.record({ sessionId, actor, kind: 'code', data: { step: event.step, code: event.code } });
      return;
    }
    if (event.type !== 'tool-call' || event.call.phase !== 'end') return;
    if (toolRows < maxToolRows) {
      toolRows++;
      audit.record({ sessionId, actor, kind: 'tool', data: { ...event.call } });
      return;
    }
    const key = `${event.call.server}.${event.call.tool}`;
    const counts = suppressed.get(key) ?? { calls: 0, failed: 0 };
    counts.calls++;
    if (event.call.ok === false) counts.failed++;
    suppressed.set(key, counts);
  };
  return Object.assign(record, {
    flush() {
      if (suppressed.size === 0) return;
      const byTool = Object.fromEntries(suppressed);
      const calls = [...suppressed.values()].reduce((sum, c) => sum + c.calls, 0);
      audit.record({
        sessionId,
        actor,
        kind: 'tool',
        data: {
          summary: true,
          note: `${calls} more tool calls past the ${maxToolRows}-row cap`,
          calls,
          byTool,
        },
      });
      suppressed.clear();
    },
  });
}

/**
 * Reading what the isolate reports at the end of a run and in console batches. The isolate's
 * words are not trusted: anything malformed is dropped or reported as unreadable.
 */
import type { DoneMessage, RunOutcome } from './run-types.ts';
import type { LimitName, LogLevel } from './types.ts';

const LEVELS: ReadonlySet<unknown> = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);

/** isolated-vm's message when it disposed the isolate for its memory limit. */
export const MEMORY_LIMIT_MESSAGE = /disposed during execution due to memory limit/i;

/** The lines of a console batch: a flat JSON array of level, text, level, text, ... */
export function parseLogBatch(text: string): [LogLevel, string][] {
  let batch: unknown;
  try {
    batch = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(batch)) return [];
  const lines: [LogLevel, string][] = [];
  for (let i = 0; i + 1 < batch.length; i += 2) {
    const [level, line] = [batch[i], batch[i + 1]];
    if (typeof line === 'string' && LEVELS.has(level)) lines.push([level as LogLevel, line]);
  }
  return lines;
}

/** What the end of a run says, or undefined when it cannot be read. */
export function readDone(resultJson: string): DoneMessage | undefined {
  try {
    const message: unknown = JSON.parse(resultJson);
    return message !== null && typeof message === 'object' ? (message as DoneMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** The outcome a read end-of-run message gives (logs and disposal are the run's to add). */
export function outcomeOf(message: DoneMessage): Omit<RunOutcome, 'logs' | 'disposeIsolate'> {
  const result: Omit<RunOutcome, 'logs' | 'disposeIsolate'> = {};
  if (message.value !== undefined) result.value = message.value;
  if (message.data !== undefined) result.data = JSON.parse(message.data);
  if (!message.ok) result.rawError = message.error ?? { name: 'Error', message: 'unknown error' };
  return result;
}

/** The error name a run ended by a limit reports. */
export function errorNameOf(limit: LimitName): string {
  if (limit === 'aborted') return 'AbortError';
  return limit === 'memory' || limit === 'pending-calls' ? 'RangeError' : 'TimeoutError';
}

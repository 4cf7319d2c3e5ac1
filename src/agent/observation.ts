/**
 * What the model reads after its code ran: logs, then the value, then the error with the offending
 * line and a caret, within the output budget (SANDBOX_MAX_OUTPUT_CHARS, the sandbox's
 * `maxOutputChars`); long output keeps head and tail and says how much was cut.
 */
import { renderRunResult } from '../sandbox/render-result.ts';
import type { RunResult } from '../sandbox/types.ts';

const FAILED = '(the code failed; fix it and run again)\n';

/** The observation of one run, at most `maxChars` characters (the sandbox's output budget). */
export function formatObservation(result: RunResult, code: string, maxChars: number): string {
  const status = result.ok ? '' : FAILED;
  return `${status}${renderRunResult(result, code, maxChars - status.length)}`;
}

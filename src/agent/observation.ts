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

/**
 * The start of the user message that carries code output back in the fenced-actions protocol
 * (there is no tool_result there); the context budget shortens older ones by it.
 */
export const FENCED_OUTPUT_HEADER = '[Output of your code]';

/** The user message text of one fenced reply's runs: each block's observation, in order. */
export function formatFencedOutput(observations: readonly string[]): string {
  if (observations.length === 1) return `${FENCED_OUTPUT_HEADER}\n${observations[0]}`;
  const parts = observations.map(
    (text, index) => `--- js block ${index + 1} of ${observations.length} ---\n${text}`,
  );
  return `${FENCED_OUTPUT_HEADER}\n${parts.join('\n')}`;
}

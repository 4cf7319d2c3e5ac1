/**
 * What the model reads after its code ran: logs, then the value, then the error with the offending
 * line and a caret; long output keeps head and tail and says how much was cut.
 */
import { clip } from '../sandbox/output-buffer.ts';
import { renderRunResult } from '../sandbox/render-result.ts';
import type { RunResult } from '../sandbox/types.ts';

/** Default cap of one observation in characters. */
export const OBSERVATION_CAP = 8000;

export function formatObservation(result: RunResult, code: string, cap = OBSERVATION_CAP): string {
  const text = renderRunResult(result, code);
  const status = result.ok ? '' : '(the code failed; fix it and run again)\n';
  return clip(`${status}${text}`, cap).text;
}

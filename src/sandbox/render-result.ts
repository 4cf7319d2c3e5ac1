/**
 * A RunResult as plain text, the way the agent (and a person at a terminal) reads it: the logs,
 * then the value, then the error as `Name: message` with the offending line and a caret.
 */
import { clip } from '../text/clip.ts';
import type { RunError, RunResult } from './types.ts';

/**
 * Render logs, value and error of a run within `maxChars` (the output budget the model sees:
 * SANDBOX_MAX_OUTPUT_CHARS). The error and the value are kept first (each up to half the budget),
 * the logs get the rest; each part that does not fit keeps its head and tail (one clip helper).
 * Empty output says so, so an observation is never blank.
 */
export function renderRunResult(
  result: RunResult,
  code: string,
  maxChars: number = Number.POSITIVE_INFINITY,
): string {
  const note = result.stateReset
    ? '(note: the sandbox was reset before this run; variables from earlier runs are gone)'
    : '';
  const logs = result.logs
    .map((entry) =>
      entry.level === 'warn' || entry.level === 'error' ? `[${entry.level}] ${entry.text}` : entry.text,
    )
    .join('\n');
  const value = result.value !== undefined ? `=> ${result.value}` : '';
  const error = result.error ? renderError(result.error, code) : '';
  const separators = [note, logs, value, error].filter(Boolean).length;
  const room = Math.max(0, maxChars - note.length - separators);
  const errorText = clip(error, Math.floor(room / 2)).text;
  const valueText = clip(value, Math.max(Math.floor(room / 2), room - errorText.length - logs.length)).text;
  const logsText = clip(logs, Math.max(0, room - errorText.length - valueText.length)).text;
  const parts = [note, logsText, valueText, errorText].filter(Boolean);
  if (parts.length === 0)
    parts.push(result.ok ? '(no output and no value: log or return what you need to see)' : '');
  return parts.join('\n');
}

/** `Name: message`, then the offending line of the code with a caret under the column. */
function renderError(error: RunError, code: string): string {
  const lines = [`${error.name}: ${error.message}`];
  if (error.line !== undefined) {
    const source = code.split('\n')[error.line - 1];
    if (source !== undefined) {
      const gutter = `${error.line} | `;
      lines.push(`  at line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ''}:`);
      lines.push(`${gutter}${source.length > 200 ? `${source.slice(0, 200)}…` : source}`);
      if (error.column !== undefined && error.column <= 201) {
        lines.push(`${' '.repeat(gutter.length + error.column - 1)}^`);
      }
    }
  }
  const frames = error.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(1);
  if (frames && frames.length > 0) lines.push(...frames);
  return lines.join('\n');
}

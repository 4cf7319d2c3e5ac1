/**
 * A RunResult as plain text, the way the agent (and a person at a terminal) reads it: the logs,
 * then the value, then the error as `Name: message` with the offending line and a caret.
 */
import type { RunError, RunResult } from './types.ts';

/** Render logs, value and error of a run. Empty output says so, so an observation is never blank. */
export function renderRunResult(result: RunResult, code: string): string {
  const parts: string[] = [];
  if (result.stateReset)
    parts.push('(note: the sandbox was reset before this run; variables from earlier runs are gone)');
  for (const entry of result.logs) {
    parts.push(
      entry.level === 'warn' || entry.level === 'error' ? `[${entry.level}] ${entry.text}` : entry.text,
    );
  }
  if (result.value !== undefined) parts.push(`=> ${result.value}`);
  if (result.error) parts.push(renderError(result.error, code));
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

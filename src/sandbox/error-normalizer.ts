/**
 * Errors from the isolate, made about the agent's code only: frames of the runtime and of the
 * wrapper are dropped, and positions are mapped back to the submitted code.
 */
import { CODE_FILENAME, type PreparedCode } from './prepare-code.ts';
import type { RunError } from './types.ts';

/** What the isolate reports of a thrown value. */
export interface RawError {
  name: string;
  message: string;
  stack?: string;
}

const FRAME = /^\s+at .*$/;
const LOCATION = new RegExp(`${escapeRegExp(CODE_FILENAME)}:(\\d+):(\\d+)`);

/** Keep the frames of the submitted code, mapped to its lines and columns. */
export function normalizeError(raw: RawError, prepared: PreparedCode): RunError {
  const error: RunError = { name: raw.name, message: raw.message };
  if (!raw.stack) return error;
  const lines = raw.stack.split('\n');
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  const header = firstFrame === -1 ? lines : lines.slice(0, firstFrame);
  const frames: string[] = [];
  for (const line of firstFrame === -1 ? [] : lines.slice(firstFrame)) {
    const match = LOCATION.exec(line);
    if (!match) continue;
    const mapped = prepared.mapPosition(Number(match[1]), Number(match[2]));
    if (mapped.line < 1 || mapped.line > prepared.lineCount) continue;
    if (error.line === undefined) {
      error.line = mapped.line;
      error.column = mapped.column;
    }
    frames.push(
      line.replace(LOCATION, `${CODE_FILENAME}:${mapped.line}:${mapped.column}`).replace(/^\s+/, '    '),
    );
  }
  error.stack = [...header, ...frames].join('\n');
  return error;
}

/** Parse the `[task.js:L:C]` suffix isolated-vm puts on compile errors. */
export function compileErrorOf(error: unknown, prepared?: PreparedCode): RunError {
  const name = error instanceof Error ? error.name : 'SyntaxError';
  const text = error instanceof Error ? error.message : String(error);
  const match = /\s*\[([^\]]+):(\d+):(\d+)\]$/.exec(text);
  const message = match ? text.slice(0, match.index) : text;
  if (!match) return { name, message };
  const position = prepared
    ? prepared.mapPosition(Number(match[2]), Number(match[3]))
    : { line: Number(match[2]), column: Number(match[3]) };
  return { name, message, line: position.line, column: position.column };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

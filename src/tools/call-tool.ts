/**
 * One tool call as the agent's code makes it: checks the argument, emits start/progress/end events for
 * the audit log and live progress, unwraps the result, enforces the result size limit, and turns every
 * failure into a ToolError with a message the model can act on.
 */
import { randomUUID } from 'node:crypto';
import { isRecord } from './schema-to-ts.ts';
import type { ServerConnection } from './server-connection.ts';
import { ToolError } from './tool-error.ts';
import type { CallOptions, ToolCallEvent } from './types.ts';
import { errorMessageOf, unwrapResult } from './unwrap-result.ts';

export interface ToolCall {
  connection: ServerConnection;
  /** Server name as configured, for events. */
  server: string;
  /** The MCP tool name. */
  tool: string;
  /** How code spells the call, for messages: `tools.github.searchIssues`. */
  label: string;
  input: unknown;
  /** Request `_meta` (the workspace folder for the built-in workspace server). */
  meta?: Record<string, unknown>;
  maxResultChars: number;
}

/** Make the call; resolves to the unwrapped result or rejects with a ToolError. */
export async function callTool(
  call: ToolCall,
  options: Pick<CallOptions, 'onCall' | 'signal'>,
): Promise<unknown> {
  const { label, input } = call;
  if (input !== undefined && !isRecord(input))
    throw new ToolError(`${label} takes one object argument, e.g. ${label}({ ... })`);
  const args = input ?? {};
  const onCall = options.onCall;
  // Only a listener needs the id and the sizes: the call path stays lean without one.
  const base = onCall
    ? { callId: randomUUID(), server: call.server, tool: call.tool, argsChars: JSON.stringify(args).length }
    : undefined;
  const emit = (event: Omit<ToolCallEvent, 'callId' | 'server' | 'tool' | 'argsChars'>) => {
    if (!onCall || !base) return;
    try {
      onCall({ ...base, ...event });
    } catch {
      // a failing listener must not fail the call
    }
  };
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  emit({ phase: 'start' });
  try {
    const result = await call.connection.call(call.tool, args, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(call.meta ? { meta: call.meta } : {}),
      onProgress: (p) =>
        emit({
          phase: 'progress',
          progress: {
            progress: p.progress,
            ...(p.total !== undefined ? { total: p.total } : {}),
            ...(p.message ? { message: p.message } : {}),
          },
        }),
    });
    if (result.isError) throw new ToolError(errorMessageOf(result));
    const value = unwrapResult(result);
    const resultChars = JSON.stringify(value)?.length ?? 0;
    if (resultChars > call.maxResultChars) {
      throw new ToolError(
        `${label} returned ${resultChars} characters, over the ${call.maxResultChars}-character limit; ask for less (a page, a filter, a smaller range)`,
      );
    }
    emit({ phase: 'end', ok: true, durationMs: elapsed(), resultChars });
    return value;
  } catch (error) {
    const failure =
      error instanceof ToolError
        ? error
        : new ToolError(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    emit({ phase: 'end', ok: false, durationMs: elapsed(), error: failure.message });
    throw failure;
  }
}

/**
 * One tool call as the agent's code makes it: checks the argument, emits start/progress/end events for
 * the audit log and live progress, unwraps the result, enforces the result size limit, and turns every
 * failure into a ToolError with a message the model can act on.
 */
import { randomUUID } from 'node:crypto';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { SerializedJson } from '../sandbox/serialized-json.ts';
import { isRecord } from './schema-to-ts.ts';
import type { ServerConnection } from './server-connection.ts';
import { ToolError } from './tool-error.ts';
import type { CallOptions, ToolCallEvent } from './types.ts';
import { errorMessageOf, maxJsonChars, unwrapResult } from './unwrap-result.ts';

export interface ToolCall {
  connection: ServerConnection;
  /** Server name as configured, for events. */
  server: string;
  /** The MCP tool name. */
  tool: string;
  /** How code spells the call, for messages: `tools.github.searchIssues`. */
  label: string;
  /** Request `_meta` (the workspace folder for the built-in workspace server). */
  meta?: Record<string, unknown>;
  maxResultChars: number;
}

type Emit = (event: Omit<ToolCallEvent, 'callId' | 'server' | 'tool' | 'argsChars'>) => void;

/**
 * Make the call with `input`; resolves to the unwrapped result (as SerializedJson, measured and
 * serialised once, when `serialized` is set: the sandbox path) or rejects with a ToolError.
 */
export async function callTool(
  call: ToolCall,
  input: unknown,
  options: Pick<CallOptions, 'onCall' | 'signal'> & { serialized?: boolean },
): Promise<unknown> {
  const label = call.label;
  if (input !== undefined && !isRecord(input))
    throw new ToolError(`${label} takes one object argument, e.g. ${label}({ ... })`);
  const args = input ?? {};
  // Only a listener needs the id, the sizes, the clock and the events: the call path stays lean
  // without one (the connection still asks for progress, which keeps extending the time limit).
  const emit = options.onCall ? emitter(call, args, options.onCall) : undefined;
  const started = emit ? performance.now() : 0;
  emit?.({ phase: 'start' });
  try {
    const result = await call.connection.call(call.tool, args, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(call.meta ? { meta: call.meta } : {}),
      ...(emit ? { onProgress: (p: Progress) => emit({ phase: 'progress', progress: progressOf(p) }) } : {}),
    });
    if (result.isError) throw new ToolError(errorMessageOf(result));
    const value = unwrapResult(result);
    // For the sandbox, the value is serialised here once: measured against the limit, and handed
    // over as this same text. For the host, only when it might be over the limit or a listener
    // wants its size.
    const json =
      options.serialized || emit || maxJsonChars(result) > call.maxResultChars
        ? (JSON.stringify(value) ?? 'null')
        : undefined;
    if (json !== undefined) {
      if (json.length > call.maxResultChars) {
        throw new ToolError(
          `${label} returned ${json.length} characters, over the ${call.maxResultChars}-character limit; ask for less (a page, a filter, a smaller range)`,
        );
      }
      emit?.({ phase: 'end', ok: true, durationMs: elapsed(started), resultChars: json.length });
    }
    return options.serialized && json !== undefined ? new SerializedJson(json) : value;
  } catch (error) {
    const failure =
      error instanceof ToolError
        ? error
        : new ToolError(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    emit?.({ phase: 'end', ok: false, durationMs: elapsed(started), error: failure.message });
    throw failure;
  }
}

function emitter(
  call: ToolCall,
  args: Record<string, unknown>,
  onCall: (event: ToolCallEvent) => void,
): Emit {
  const base = {
    callId: randomUUID(),
    server: call.server,
    tool: call.tool,
    argsChars: JSON.stringify(args).length,
  };
  return (event) => {
    try {
      onCall({ ...base, ...event });
    } catch {
      // a failing listener must not fail the call
    }
  };
}

function progressOf(p: Progress): NonNullable<ToolCallEvent['progress']> {
  return {
    progress: p.progress,
    ...(p.total !== undefined ? { total: p.total } : {}),
    ...(p.message ? { message: p.message } : {}),
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

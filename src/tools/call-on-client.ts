/**
 * One tool call on a connected MCP client: its own abort signal linked to the caller's while it
 * lasts, progress that extends the time limit, and the SDK's errors turned into ToolErrors.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { callErrorOf, isContentResult } from './connection-errors.ts';
import { ToolError } from './tool-error.ts';

/** The call, its time limit, and the caller's signal, `_meta` and progress handler. */
export interface CallOnClientOptions {
  /** The server's name, for error messages. */
  server: string;
  tool: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  signal?: AbortSignal;
  meta?: Record<string, unknown>;
  onProgress?: (progress: Progress) => void;
}

const ignoreProgress = () => {};

/** Call the tool; rejects with a ToolError when it is cancelled, times out, drops or returns no content. */
export async function callOnClient(client: Client, options: CallOnClientOptions): Promise<CallToolResult> {
  const { server, tool, args, timeoutMs: timeout } = options;
  // The SDK adds an abort listener to the signal it is given and never removes it. The caller's
  // signal (a sandbox run's) outlives many calls, so each call gets its own, linked while it lasts.
  const parent = options.signal;
  const own = parent ? new AbortController() : undefined;
  const relay = () => own?.abort(parent?.reason);
  if (parent?.aborted) relay();
  else parent?.addEventListener('abort', relay, { once: true });
  try {
    const result = await client.callTool(
      options.meta ? { name: tool, arguments: args, _meta: options.meta } : { name: tool, arguments: args },
      undefined,
      {
        timeout,
        resetTimeoutOnProgress: true,
        // Always asked for: the SDK only sends a progress token with a handler, and progress the
        // server sends is what extends the time limit of a long call.
        onprogress: options.onProgress ?? ignoreProgress,
        ...(own ? { signal: own.signal } : {}),
      },
    );
    // The SDK has checked the result against CallToolResultSchema (its default result schema);
    // only the pre-2024 `toolResult` form lacks content.
    if (!isContentResult(result)) throw new ToolError(`${server}.${tool} returned a result without content`);
    return result;
  } catch (error) {
    // The SDK reports an abort as a RequestTimeout error: tell the two apart by our own signal.
    if (own?.signal.aborted) throw new ToolError(`${server}.${tool} was cancelled`);
    throw callErrorOf(server, tool, error, timeout);
  } finally {
    parent?.removeEventListener('abort', relay);
  }
}

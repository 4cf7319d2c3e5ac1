/**
 * How a connection's failures read: connection attempts (a safe message plus stderr detail for
 * operators) and calls (one ToolError the model can act on).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../errors.ts';
import { ToolError } from './tool-error.ts';

/** A failed connection attempt: `message` is safe for the model, `detail` (stderr) is for operators. */
export class ConnectFailure extends Error {
  readonly detail: string | undefined;

  constructor(message: string, detail: string | undefined) {
    super(message);
    this.detail = detail;
  }
}

/** The SDK validated the whole result; this tells TypeScript which of its two result forms it is. */
export function isContentResult(result: Record<string, unknown>): result is CallToolResult {
  return Array.isArray(result.content);
}

/** One bounded line for a failed connection attempt. */
export function describeConnectError(error: unknown): string {
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return 'exited during start-up';
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
    return `command not found${'path' in error && typeof error.path === 'string' ? `: ${error.path}` : ''} (check "command" and PATH)`;
  }
  // One line, bounded: SDK validation errors arrive as multi-line JSON.
  const text = describeError(error).replace(/\s+/g, ' ').trim();
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

/** `promise`, or a rejection with `message` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => {});
  }
}

/** The ToolError for a failed call of `tool` on `server`. */
export function callErrorOf(server: string, tool: string, error: unknown, timeoutMs: number): ToolError {
  if (error instanceof ToolError) return error;
  const where = `${server}.${tool}`;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new ToolError(`${where} timed out after ${timeoutMs} ms without progress`);
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return new ToolError(
      `${where} failed: tool server "${server}" exited or dropped the connection during the call`,
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return new ToolError(`${where} was cancelled`);
  return new ToolError(`${where} failed: ${describeError(error)}`);
}

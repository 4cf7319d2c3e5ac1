/**
 * The one retry policy of the model client (the SDK's own is switched off): which failures are
 * transient, how long to wait (the server's retry-after when given, else exponential backoff with
 * full jitter), and an abortable sleep.
 */
import { retryAfterMs as serverWait } from '../text/retry-after.ts';
import { APIConnectionError, APIError } from './anthropic-sdk.ts';
import { IncompleteStreamError, StreamProtocolError } from './read-message-stream.ts';

/** What went wrong in one attempt, in words a user can read. */
export interface Failure {
  retryable: boolean;
  /** Short, e.g. `overloaded (529)`, `rate limited (429)`, `connection failed`. */
  reason: string;
  /** HTTP status, or the status an error event stands for (overloaded_error: 529). */
  status?: number;
  /** The error type from the API body, e.g. `overloaded_error`. */
  errorType?: string;
  /** The API's own message, when it sent one. */
  apiMessage?: string;
  /** From `retry-after-ms` or `retry-after`, when the server sent one. */
  retryAfterMs?: number;
}

const TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Classify a thrown value from one attempt. Aborts are handled by the caller before this. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof APIConnectionError) {
    const timedOut = error.name === 'APIConnectionTimeoutError';
    const cause = error.cause instanceof Error ? connectionCause(error.cause) : undefined;
    return {
      retryable: true,
      reason: timedOut ? 'request timed out' : `connection failed${cause ? ` (${cause})` : ''}`,
    };
  }
  if (error instanceof APIError) {
    // An error event mid-stream in another server's shape (llama.cpp: `{ code: 500, message, type }`).
    const typeStatus = error.type ? TYPE_STATUS[error.type] : undefined;
    const foreign =
      error.status === undefined && typeStatus === undefined ? foreignErrorBody(error.error) : undefined;
    const errorType = error.type ?? foreign?.type;
    const status = error.status ?? typeStatus ?? foreign?.status;
    const shouldRetry = error.headers?.get('x-should-retry');
    const retryable =
      shouldRetry === 'true' ||
      (shouldRetry !== 'false' &&
        status !== undefined &&
        (status === 408 || status === 409 || status === 429 || status >= 500));
    const asked = error.headers ? serverWait(error.headers) : undefined;
    // A server's "retry now" (0) gets the usual backoff, as the SDK's own policy does.
    const retryAfterMs = asked === 0 ? undefined : asked;
    return {
      retryable,
      reason: describeStatus(status, errorType, error.status === undefined),
      ...(status === undefined ? {} : { status }),
      ...(errorType ? { errorType } : {}),
      ...(error.apiMessage || foreign?.message ? { apiMessage: error.apiMessage || foreign?.message } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (error instanceof IncompleteStreamError) return { retryable: true, reason: error.message };
  if (error instanceof IdleTimeoutError) return { retryable: true, reason: error.message };
  if (error instanceof StreamProtocolError)
    return { retryable: false, reason: `bad stream: ${error.message}` };
  if (
    error instanceof Error &&
    error.name === 'TypeError' &&
    /terminated|socket|network|fetch failed/i.test(error.message)
  ) {
    // The connection broke while the body was streaming.
    const cause = error.cause instanceof Error ? connectionCause(error.cause) : error.message;
    return { retryable: true, reason: `connection lost mid-stream (${cause})` };
  }
  return { retryable: false, reason: error instanceof Error ? error.message : String(error) };
}

/**
 * The status, type and message of an error body that is not the Anthropic API's
 * `{ type: 'error', error: { type, message } }`: llama.cpp's and OpenAI-style servers' flat
 * `{ code, message, type }` or `{ error: { code, message, type } }`.
 */
function foreignErrorBody(body: unknown): { status?: number; type?: string; message?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const inner: unknown = 'error' in body && typeof body.error === 'object' ? body.error : body;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const field = (name: string): unknown =>
    name in inner ? (inner as Record<string, unknown>)[name] : undefined;
  const code = field('code') ?? field('status');
  const status =
    typeof code === 'number'
      ? code
      : typeof code === 'string' && /^\d{3}$/.test(code)
        ? Number(code)
        : undefined;
  const type = field('type');
  const message = field('message');
  return {
    ...(status !== undefined && status >= 400 && status < 600 ? { status } : {}),
    ...(typeof type === 'string' && type ? { type } : {}),
    ...(typeof message === 'string' && message ? { message } : {}),
  };
}

/**
 * True for a 400 that names `cache_control`: a server that does not take prompt-caching
 * breakpoints (LiteLLM or vLLM in front of a model without caching). Sent again without them.
 */
export function refusesCacheControl(error: unknown): boolean {
  return (
    error instanceof APIError &&
    error.status === 400 &&
    /cache_control/i.test(error.message) &&
    // The Anthropic API's own limit on breakpoints is a client bug to surface, not a refusal.
    !/maximum of \d+ blocks with cache_control/i.test(error.message)
  );
}

/** E.g. `overloaded (529)`, or `overloaded (overloaded_error, mid-stream)` for an SSE error event. */
function describeStatus(
  status: number | undefined,
  errorType: string | undefined,
  midStream: boolean,
): string {
  const tag = midStream ? `${errorType ?? 'error'}, mid-stream` : `${status ?? 'no status'}`;
  if (errorType === 'overloaded_error' || status === 529) return `overloaded (${tag})`;
  if (status === 429) return `rate limited (${tag})`;
  if (status === 408 || status === 504) return `timed out (${tag})`;
  if (status !== undefined && status >= 500) return `server error (${tag})`;
  return `request failed (${tag})`;
}

function connectionCause(cause: Error): string {
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const inner = cause.cause instanceof Error ? connectionCause(cause.cause) : undefined;
  return code ?? inner ?? cause.message;
}

export interface BackoffOptions {
  /** First backoff ceiling in ms (default 1000); doubles each retry. */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms (default 30 000). */
  maxDelayMs: number;
}

/** Full jitter: a uniform wait in [0, min(max, base * 2^retry)). `retry` counts from 0. */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.round(random() * ceiling);
}

/** No bytes arrived on a streaming response for too long. Retried. */
export class IdleTimeoutError extends Error {
  override name = 'IdleTimeoutError';
}

/** The error `complete` rejects with when its signal aborts: a DOMException named `AbortError`. */
export function abortError(): DOMException {
  return new DOMException('The model request was aborted', 'AbortError');
}

/** True for any abort error (ours, the SDK's APIUserAbortError, fetch's). */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' ||
      error.name === 'APIUserAbortError' ||
      error.constructor.name === 'APIUserAbortError')
  );
}

/** Sleep `ms`, rejecting with an AbortError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

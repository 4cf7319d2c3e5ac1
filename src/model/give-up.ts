/**
 * How a model call ends when it gives up: a ServiceError that says what went wrong (key rejected,
 * billing, permission, not found, retries spent) and how to fix it, with every secret removed from
 * its message, its fix and its cause.
 */
import { redact } from '../config.ts';
import { ServiceError } from '../errors.ts';
import type { Failure } from './retry.ts';

/** The service named in the errors of the model client. */
export const SERVICE = 'Anthropic API';

/** The error to throw for `failure` after `retries` retries (none left, or not retryable). */
export function giveUp(
  failure: Failure,
  retries: number,
  error: unknown,
  context: { model: string; baseUrl: string; secrets: readonly string[] },
): ServiceError {
  const { secrets } = context;
  const detail = failure.apiMessage ? `: ${failure.apiMessage}` : '';
  let message: string;
  let fix: string | undefined;
  switch (failure.status) {
    case 401:
      message = `ANTHROPIC_API_KEY was rejected (401${failure.errorType ? ` ${failure.errorType}` : ''})`;
      fix = 'Check ANTHROPIC_API_KEY in .env or the environment (a key from console.anthropic.com)';
      break;
    case 402:
      message = `billing problem (402)${detail}`;
      fix = 'Check the plan and credit balance of the API key';
      break;
    case 403:
      message = `permission denied (403)${detail}`;
      fix = "Check the API key's workspace and which models it may use";
      break;
    case 404:
      message = `not found (404)${detail}`;
      fix = `Check ANTHROPIC_MODEL (now "${context.model}") and ANTHROPIC_BASE_URL (now ${context.baseUrl})`;
      break;
    default:
      if (failure.retryable) {
        const tries =
          retries === 0
            ? 'not retried (ANTHROPIC_MAX_RETRIES=0)'
            : `after ${retries} ${retries === 1 ? 'retry' : 'retries'}`;
        const where =
          failure.status === undefined && !failure.errorType ? ` reaching ${context.baseUrl}` : '';
        message = `${failure.reason}${where} ${tries}${detail}`;
        fix =
          failure.status === undefined && !failure.errorType
            ? 'Check the network and ANTHROPIC_BASE_URL'
            : 'Try again in a few minutes; ANTHROPIC_MAX_RETRIES sets how often to retry';
      } else if (failure.status !== undefined && failure.status >= 400 && failure.status < 500) {
        message = `rejected the request (${failure.status}${failure.errorType ? ` ${failure.errorType}` : ''})${detail}`;
      } else {
        message = `${failure.reason}${detail}`;
      }
  }
  return new ServiceError(SERVICE, redact(message, secrets), {
    ...(fix ? { fix: redact(fix, secrets) } : {}),
    cause: sanitized(error, secrets),
  });
}

/** A copy of the error with the API key removed from its message, safe to log. */
export function sanitized(error: unknown, secrets: readonly string[]): Error {
  const copy = new Error(redact(error instanceof Error ? error.message : String(error), secrets));
  if (error instanceof Error) copy.name = error.name;
  return copy;
}

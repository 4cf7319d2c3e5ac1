/**
 * Typed errors for configuration and programming faults. Faults of the agent's code never throw:
 * the sandbox returns them as data. Each error here says what went wrong and how to fix it.
 */

/** Base class: `message` is one line a user can act on; `fix` says what to do. */
export class ToolsmithError extends Error {
  override name = 'ToolsmithError';
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(options.fix ? `${message}. ${options.fix}` : message, { cause: options.cause });
    this.fix = options.fix;
  }
}

/** A missing or malformed configuration value (env, .env, mcp.json). */
export class ConfigError extends ToolsmithError {
  override name = 'ConfigError';
  readonly key: string;

  constructor(key: string, message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(`${key}: ${message}`, options);
    this.key = key;
  }
}

/** The API was used wrongly (e.g. run() on a disposed sandbox). */
export class UsageError extends ToolsmithError {
  override name = 'UsageError';
}

/** A store or index could not be read or written. */
export class StorageError extends ToolsmithError {
  override name = 'StorageError';
}

/** An external service (model API, embeddings API, MCP server) failed in a way the caller must see. */
export class ServiceError extends ToolsmithError {
  override name = 'ServiceError';
  readonly service: string;

  constructor(service: string, message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(`${service}: ${message}`, options);
    this.service = service;
  }
}

/** Render any thrown value as one line for a user (never a stack). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Polling until a condition on the fake's recorded state holds, with a useful timeout message. */

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
  /** Extra context for the timeout message (e.g. the last requests). */
  describe?: () => string;
}

/**
 * Resolve with the first truthy value of `predicate`. A predicate that throws counts as not yet; its
 * last error is reported on timeout.
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions,
): Promise<T> {
  const started = Date.now();
  const interval = options.intervalMs ?? 10;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started >= options.timeoutMs) {
      const parts = [
        `fake-discord: timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'a condition'}`,
      ];
      if (lastError !== undefined)
        parts.push(`last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
      if (options.describe) parts.push(options.describe());
      throw new Error(parts.join('\n'));
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

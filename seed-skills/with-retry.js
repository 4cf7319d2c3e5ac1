/**
 * @name with-retry
 * @description Call an async function again when it throws, waiting longer each time (exponential
 *   backoff with jitter), and rethrow the last error after the final attempt. Use it around flaky
 *   tool calls such as web fetches or rate-limited APIs.
 * @signature withRetry(fn: (attempt: number) => Promise<T>, options?: { retries?: number, baseMs?: number, maxMs?: number }): Promise<T>
 * @example let calls = 0; await withRetry(async () => { calls++; if (calls < 3) throw new Error('flaky'); return calls; }, { baseMs: 1 })
 * @expected 3
 */
async function withRetry(fn, options = {}) {
  if (typeof fn !== 'function') throw new TypeError('withRetry: fn must be a function');
  const retries = options.retries ?? 3;
  const baseMs = options.baseMs ?? 300;
  const maxMs = options.maxMs ?? 5000;
  let lastError;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      lastError = error;
      if (attempt === retries) break;
      const delay = Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  throw lastError;
}

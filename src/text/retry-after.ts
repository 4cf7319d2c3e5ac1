/** The wait an HTTP server asks for before a retry, shared by the model client and the HTTP embedders. */

/**
 * `retry-after-ms` (milliseconds, when > 0), else `retry-after` (seconds or an HTTP date), in whole
 * ms: 0 when the server says now (0 s or a past date), undefined when neither header is readable.
 * Callers decide what 0 means (retry now, or fall back to their own backoff).
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? Math.ceil(seconds * 1000) : 0;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

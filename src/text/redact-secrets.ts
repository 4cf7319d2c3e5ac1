/**
 * Redaction of known secrets (API keys, tokens) from anything that leaves the host: model requests,
 * transcripts, audit rows, Discord messages, logs. Each secret is matched as written, URL-encoded, and
 * in base64 and base64url, the latter at each of the three byte alignments a secret can have inside a
 * longer encoded text (only the characters that depend on the secret alone are matched, so base64 of
 * `Bearer <key>` or of a whole `.env` file is caught too). All forms go into one regular expression,
 * longest first, so a 1 MB string is scanned once.
 */

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are ignored: a short value would redact ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/** Replaces known secrets in strings and JSON-like data. */
export interface Redactor {
  /** `text` with every form of every secret replaced by `[redacted]` (the same string when none). */
  redact(text: string): string;
  /** A copy of JSON-like data (strings, arrays, plain objects) with every string redacted. */
  redactDeep<T>(value: T): T;
  /** True when `text` holds a secret in any form. */
  contains(text: string): boolean;
}

/** A redactor for `secrets` (blank and short ones ignored; none gives a redactor that changes nothing). */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  if (forms.size === 0) {
    return { redact: (text) => text, redactDeep: (value) => value, contains: () => false };
  }
  const source = [...forms]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const pattern = new RegExp(source, 'g');
  const test = new RegExp(source);
  const redact = (text: string): string => (test.test(text) ? text.replace(pattern, REDACTED) : text);
  const redactDeep = <T>(value: T): T => deep(value, redact, new WeakMap()) as T;
  return { redact, redactDeep, contains: (text) => test.test(text) };
}

/** The secret as written, URL-encoded, and its base64 / base64url cores at the three alignments. */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, encodeURIComponent(secret)];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64');
    // Characters wholly inside the secret's bits: from the first after the padding bytes to the last
    // that does not reach into whatever follows the secret.
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    forms.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

function deep(value: unknown, redact: (text: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(deep(item, redact, seen));
    return out;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // Buffers, Dates, class instances
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) out[redact(key)] = deep(item, redact, seen);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

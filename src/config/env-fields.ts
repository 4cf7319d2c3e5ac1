/**
 * The field parsers of the environment schema: every value is a string or unset, and an empty value
 * (`KEY=` in .env) counts as unset, so the documented defaults apply. Each field is one zod string
 * with one transform that reads the trimmed text itself: the schema has ~60 fields, and built from
 * zod's chained parts (preprocess, regex, pipe, number) it cost ~40 ms of CPU at every start.
 */
import { z } from 'zod';

/** What a field's reader returns for a value it refuses: the message (the key and value are added). */
class Refused {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A field whose `read` gets the trimmed value (undefined when unset or blank). */
function field<T>(read: (value: string | undefined) => T | Refused) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim() ? raw.trim() : undefined;
      const result = read(value);
      if (!(result instanceof Refused)) return result;
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    });
}

/** A whole number >= min; unset: `fallback`. */
export const int = (min: number, fallback: number) =>
  field((value) => {
    if (value === undefined) return fallback;
    const number = Number(value);
    return /^\d+$/.test(value) && Number.isSafeInteger(number) && number >= min
      ? number
      : new Refused(`expected a whole number >= ${min}`);
  });

/** A number >= min, in plain decimals; unset: `fallback`. */
export const num = (min: number, fallback: number) =>
  field((value) => {
    if (value === undefined) return fallback;
    const number = Number(value);
    return /^\d+(\.\d+)?$/.test(value) && number >= min ? number : new Refused(`expected a number >= ${min}`);
  });

const YES = ['true', '1', 'yes', 'on'];
const NO = ['false', '0', 'no', 'off'];

/** true/false, 1/0, yes/no, on/off in any case; unset: `fallback`. */
export const bool = (fallback: boolean) =>
  field((value) => {
    if (value === undefined) return fallback;
    const word = value.toLowerCase();
    if (YES.includes(word)) return true;
    return NO.includes(word) ? false : new Refused('expected true or false');
  });

/** A comma-separated list, items trimmed, empty ones dropped; unset: []. */
export const list = () =>
  field((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Trimmed text; unset or blank: undefined. */
export const text = () => field((value) => value);

export const url = () =>
  z
    .string()
    .trim()
    .url({ error: 'expected a URL such as https://example.com' })
    .optional()
    .or(z.literal('').transform(() => undefined));

/** One of `values` (empty or unset: `fallback`). */
export const choice = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  field((value): T[number] | Refused => {
    if (value === undefined) return fallback;
    return values.includes(value) ? value : new Refused(`expected ${values.join(' or ')}`);
  });

/**
 * The field parsers of the environment schema: every value is a string or unset, and an empty value
 * (`KEY=` in .env) counts as unset, so the documented defaults apply.
 */
import { z } from 'zod';

/** An empty string is no value. */
const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const int = (min: number, fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `expected a whole number >= ${min}`)
      .transform(Number)
      .pipe(z.number().int().min(min))
      .optional()
      .transform((value) => value ?? fallback),
  );

export const num = (min: number, fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, `expected a number >= ${min}`)
      .transform(Number)
      .pipe(z.number().min(min))
      .optional()
      .transform((value) => value ?? fallback),
  );

export const bool = (fallback: boolean) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(
        z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }),
      )
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
      .optional()
      .transform((value) => value ?? fallback),
  );

export const list = () =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

export const text = () =>
  z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined));

export const url = () =>
  z
    .string()
    .trim()
    .url({ error: 'expected a URL such as https://example.com' })
    .optional()
    .or(z.literal('').transform(() => undefined));

/** One of `values` (empty or unset: `fallback`). */
export const choice = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .enum(values, { error: `expected ${values.join(' or ')}` })
      .optional()
      .transform((value) => value ?? fallback),
  );

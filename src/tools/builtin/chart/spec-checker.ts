/**
 * A Vega-Lite spec checked against the JSON schema Vega-Lite ships, because the compiler itself drops
 * most mistakes with a warning (an unknown channel, a misspelt property) or fails with a message that
 * names nothing ("Cannot read properties of undefined"). Of the schema's many errors (one per
 * alternative of each `anyOf`) the one at the deepest path is kept and said in words, with the
 * closest allowed name.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closeNames } from '../../../text/close-names.ts';
import { loadSchemaValidator, vegaLiteSchema } from './schema-validator.ts';

/** Returns why the spec is invalid, naming the property, or undefined when it is valid. */
export type SpecChecker = (spec: unknown) => string | undefined;

/**
 * The Vega-Lite schema's validator, once per worker (built at install, or compiled here: see
 * schema-validator.ts); a check then takes well under a millisecond.
 */
export function createSpecChecker(validate: ValidateFunction = loadSchemaValidator()): SpecChecker {
  const vocabulary = propertyNames(vegaLiteSchema());
  return (spec) => (validate(spec) ? undefined : explain(validate.errors ?? [], vocabulary));
}

/**
 * The most telling error, as one sentence. `vocabulary` holds every property name the schema defines
 * anywhere: a refused property outside it is a misspelling, reported before anything else.
 */
export function explain(errors: ErrorObject[], vocabulary: ReadonlySet<string>): string {
  if (errors.length === 0) return 'the spec does not match the Vega-Lite schema';
  const depth = (error: ErrorObject) => depthOf(error.instancePath);
  const typo = misspeltProperty(errors, vocabulary);
  if (typo) return typo;
  const deepest = Math.max(...errors.map(depth));
  const here = errors.filter((error) => depth(error) === deepest);
  const where = pathOf(here[0]?.instancePath ?? '');

  const allowed = new Set<string>();
  for (const error of here) {
    const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
    if (error.keyword === 'enum') for (const value of params.allowedValues ?? []) allowed.add(String(value));
    if (error.keyword === 'const') allowed.add(String(params.allowedValue));
  }
  if (allowed.size > 0) {
    const value = here[0]?.data;
    const near = typeof value === 'string' ? closeNames(value, [...allowed]) : [];
    const types = [
      ...new Set(
        here.flatMap((error) => (error.keyword === 'type' ? [withArticle(String(error.params.type))] : [])),
      ),
    ];
    const expected = [...types, `one of: ${[...allowed].join(', ')}`].join(' or ');
    return `${where} is ${JSON.stringify(value)}; expected ${expected}${near.length ? `; did you mean ${quoteList(near)}?` : ''}`;
  }

  const required = here.find((error) => error.keyword === 'required');
  if (required) {
    const missing = String((required.params as { missingProperty?: unknown }).missingProperty);
    return `${where || 'the spec'} needs "${missing}"`;
  }
  const typed = here.find((error) => error.keyword === 'type');
  if (typed) return `${where} ${typed.message ?? 'has the wrong type'}`;
  return `${where || 'the spec'} ${here[0]?.message ?? 'is invalid'}`;
}

/**
 * A property no alternative at its place accepts (every schema that refused extra properties there
 * refused this one) and that the schema defines nowhere. Most specific (deepest) first.
 */
function misspeltProperty(errors: ErrorObject[], vocabulary: ReadonlySet<string>): string | undefined {
  const byPath = new Map<string, { schemas: Set<unknown>; flagged: Map<string, Set<unknown>> }>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const name = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    const entry = byPath.get(error.instancePath) ?? { schemas: new Set(), flagged: new Map() };
    entry.schemas.add(error.parentSchema);
    const by = entry.flagged.get(name) ?? new Set();
    by.add(error.parentSchema);
    entry.flagged.set(name, by);
    byPath.set(error.instancePath, entry);
  }
  const found: { path: string; name: string; known: string[] }[] = [];
  for (const [instancePath, entry] of byPath) {
    for (const [name, by] of entry.flagged) {
      if (by.size < entry.schemas.size || vocabulary.has(name)) continue;
      const known = new Set<string>();
      for (const schema of entry.schemas) {
        const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
        for (const key of Object.keys(properties ?? {})) known.add(key);
      }
      found.push({ path: instancePath, name, known: [...known] });
    }
  }
  const best = found.sort((a, b) => depthOf(b.path) - depthOf(a.path))[0];
  if (!best) return undefined;
  const near = closeNames(best.name, best.known);
  return `unknown property "${best.name}" in ${pathOf(best.path) || 'the spec'}${near.length ? `; did you mean ${quoteList(near)}?` : ''}`;
}

/** Every key of every `properties` object in the schema. */
function propertyNames(schema: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && value && typeof value === 'object')
          for (const name of Object.keys(value)) names.add(name);
        walk(value);
      }
    }
  };
  walk(schema);
  return names;
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function depthOf(pointer: string): number {
  return pointer ? pointer.split('/').length : 0;
}

/** `/layer/0/encoding/x` -> `layer[0].encoding.x`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

function quoteList(names: string[]): string {
  return names.map((name) => `"${name}"`).join(' or ');
}

/** Skill names, code identifiers, scopes and content hashes. */
import { createHash } from 'node:crypto';
import { toIdentifier as identifierOf } from '../text/identifiers.ts';

/**
 * lowercase-hyphen (the Agent Skills rule), and every part after a hyphen starts with a letter, so the
 * camelCase identifier maps back to exactly one name (`csv-2` and `csv2` would both be `csv2`).
 */
export const SKILL_NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;
export const MAX_NAME_LENGTH = 64;
/** A guild id, `local` for the terminal, or `global`. */
export const SKILL_SCOPE = /^[A-Za-z0-9_-]{1,64}$/;
export const GLOBAL_SCOPE = 'global';

/** The scopes a scope sees: itself, then the global scope (just global for global itself). */
export function scopesFor(scope: string): string[] {
  return scope === GLOBAL_SCOPE ? [GLOBAL_SCOPE] : [scope, GLOBAL_SCOPE];
}

/** Why a name is not valid, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (!SKILL_NAME.test(name)) {
    return `"${name}" is not a skill name: use lowercase words joined by single hyphens, each starting with a letter (e.g. parse-csv)`;
  }
  return undefined;
}

/** `parse-csv-rows` -> `parseCsvRows`: the project's one identifier rule (src/text/identifiers.ts). */
export function toIdentifier(name: string): string {
  return identifierOf(name);
}

/** `parseCsvRows` (or `ParseCSV`, `parse_csv`) -> `parse-csv-rows`; the best name a free-form label maps to. */
export function toSkillName(label: string): string {
  return label
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-(\d)/g, '$1')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, '');
}

/** sha256 of code with whitespace runs collapsed, so re-indented copies hash the same. */
export function codeHash(code: string): string {
  return createHash('sha256').update(code.replace(/\s+/g, ' ').trim()).digest('hex');
}

/** `parseCsvRows` -> `parse-csv-rows`, or undefined when it is not an identifier of any skill name. */
export function fromIdentifier(identifier: string): string | undefined {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(identifier)) return undefined;
  const name = identifier.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return SKILL_NAME.test(name) && name.length <= MAX_NAME_LENGTH ? name : undefined;
}

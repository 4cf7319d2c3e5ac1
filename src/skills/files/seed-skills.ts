/**
 * Seed skills: the project's `seed-skills/` folder holds one readable JavaScript file per skill, headed by
 * a doc comment with @name, @description, @signature, @example and (optionally) @expected tags; the
 * rest of the file is the skill's code. See skills/README.md for the format.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../../errors.ts';
import { draftProblems } from '../records/check-draft.ts';
import { GLOBAL_SCOPE } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';

export const SEED_AUTHOR = 'toolsmith';

export interface SeedFile {
  draft: SkillDraft;
  /** The @expected value of the example, parsed as JSON, when given. */
  expected?: unknown;
}

const TAGS = ['name', 'description', 'signature', 'example', 'expected'] as const;
type Tag = (typeof TAGS)[number];

/** Parse one seed file's text and check its code; throws an Error saying what is wrong. */
export function parseSeedFile(text: string, fileName: string): SeedFile {
  const seed = readSeedFile(text, fileName);
  const problems = draftProblems(seed.draft);
  if (problems.length > 0) throw new Error(`${fileName}: ${problems.join('; ')}`);
  return seed;
}

/**
 * Read one seed file's header and code without checking the code (the library checks only the
 * seeds that are new or changed); throws an Error saying what is wrong with the file.
 */
export function readSeedFile(text: string, fileName: string): SeedFile {
  const match = /^\s*\/\*\*([\s\S]*?)\*\/\s*\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${fileName}: must start with a /** ... */ header (see seed-skills/README.md)`);
  const tags = new Map<Tag, string[]>();
  let current: Tag | undefined;
  for (const rawLine of (match[1] ?? '').split('\n')) {
    const line = rawLine.replace(/^\s*\* ?/, '').replace(/\s+$/, '');
    const tag = /^@(\w+)\s*(.*)$/.exec(line);
    if (tag) {
      const name = tag[1] ?? '';
      if (!(TAGS as readonly string[]).includes(name)) throw new Error(`${fileName}: unknown tag @${name}`);
      current = TAGS.find((t) => t === name);
      if (current && tags.has(current)) throw new Error(`${fileName}: @${current} appears twice`);
      if (current) tags.set(current, [tag[2] ?? '']);
    } else if (current) {
      tags.get(current)?.push(line);
    }
  }
  const get = (tag: Tag, joiner: string) => (tags.get(tag) ?? []).join(joiner).trim();
  for (const tag of ['name', 'description', 'signature'] as const) {
    if (!get(tag, ' ')) throw new Error(`${fileName}: the header needs @${tag}`);
  }
  const name = get('name', ' ');
  if (path.basename(fileName, '.js') !== name)
    throw new Error(`${fileName}: the file must be named after @name (${name}.js)`);
  const example = get('example', '\n');
  const draft: SkillDraft = {
    name,
    description: get('description', ' ').replace(/\s+/g, ' '),
    signature: get('signature', ' '),
    code: `${(match[2] ?? '').trim()}\n`,
    task: '',
    ...(example ? { example } : {}),
    scope: GLOBAL_SCOPE,
    author: SEED_AUTHOR,
    source: 'seed',
  };
  const expectedText = get('expected', '\n');
  if (!expectedText) return { draft };
  try {
    return { draft, expected: JSON.parse(expectedText) };
  } catch (error) {
    throw new Error(`${fileName}: @expected is not JSON: ${describeError(error)}`);
  }
}

/** Every `*.js` seed in `dir`, checked, with a sentence for each file that could not be read. */
export async function loadSeedFiles(dir: string): Promise<{ seeds: SeedFile[]; problems: string[] }> {
  const { drafts, problems } = await readSeedFolder(dir, parseSeedFile);
  return { seeds: drafts, problems };
}

/** `read` of every `*.js` file in `dir`, by name, with a sentence for each file it threw on. */
async function readSeedFolder<T>(
  dir: string,
  read: (text: string, fileName: string) => T,
): Promise<{ drafts: T[]; problems: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.js')).sort();
  } catch (error) {
    return { drafts: [], problems: [`cannot read the seed folder ${dir}: ${describeError(error)}`] };
  }
  const drafts: T[] = [];
  const problems: string[] = [];
  for (const name of names) {
    try {
      drafts.push(read(await readFile(path.join(dir, name), 'utf8'), name));
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  return { drafts, problems };
}

/**
 * The seed drafts of `dir` (what the library upserts at start-up), read but not checked: each is
 * `{ draft, fileName }`, for the library to check the ones that are new or changed.
 */
export async function loadSeedSkills(
  dir: string,
): Promise<{ drafts: { draft: SkillDraft; fileName: string }[]; problems: string[] }> {
  return readSeedFolder(dir, (text, name) => ({ draft: readSeedFile(text, name).draft, fileName: name }));
}

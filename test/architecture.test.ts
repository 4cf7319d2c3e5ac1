/**
 * The floors of src/ (DESIGN.md): folders import one way, with no cycle between them; store/ is the
 * ground floor; each SDK is imported by one folder only; files and functions stay small.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import * as acorn from 'acorn';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

/** The folder a file belongs to: its first segment under src/ (root files count as their own name). */
const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0] ?? '';

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? '');
}

const files = sourceFiles();
const edges = new Map<string, Set<string>>();
const packageUsers = new Map<string, Set<string>>();
for (const file of files) {
  const from = folderOf(file);
  for (const specifier of importsOf(file)) {
    if (specifier.startsWith('.')) {
      const to = folderOf(path.resolve(path.dirname(file), specifier));
      if (to !== from) edges.set(from, new Set([...(edges.get(from) ?? []), to]));
    } else if (!specifier.startsWith('node:')) {
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      if (name)
        packageUsers.set(name, new Set([...(packageUsers.get(name) ?? []), path.relative(SRC, file)]));
    }
  }
}

describe('the floors of src/', () => {
  it('has no import cycle between folders', () => {
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      for (const next of edges.get(node) ?? []) {
        const at = trail.indexOf(next);
        if (at !== -1) cycles.push([...trail.slice(at), next].join(' -> '));
        else visit(next, [...trail, next]);
      }
    };
    for (const folder of edges.keys()) visit(folder, [folder]);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('keeps store/ the ground floor: it imports only the shared error and text helpers', () => {
    const above = [...(edges.get('store') ?? [])].filter((to) => !['errors.ts', 'text'].includes(to));
    expect(above).toEqual([]);
  });

  it('lets the front ends be the top floor: nothing imports discord/ or cli/', () => {
    const upward = [...edges].flatMap(([from, tos]) =>
      [...tos]
        .filter((to) => (to === 'cli' && from !== 'cli') || (to === 'discord' && from !== 'cli'))
        .map((to) => `${from} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('imports each SDK from its one folder', () => {
    const owners: Record<string, string[]> = {
      'discord.js': ['discord'],
      '@anthropic-ai/sdk': ['model'],
      'isolated-vm': ['sandbox'],
      vectra: ['skills'],
    };
    const strays = Object.entries(owners).flatMap(([name, folders]) =>
      [...(packageUsers.get(name) ?? [])]
        .filter((file) => !folders.includes(file.split(path.sep)[0] ?? ''))
        .map((file) => `${file} imports ${name}`),
    );
    expect(strays).toEqual([]);
  });

  it('keeps files small, about 300 lines at most (the sandbox runtime and data tables aside)', () => {
    const large = files
      .filter((file) => !isRuntime(file) && !DATA_FILES.includes(path.relative(SRC, file)))
      .map((file) => ({
        file: path.relative(SRC, file),
        lines: readFileSync(file, 'utf8').trimEnd().split('\n').length,
      }))
      .filter(({ lines }) => lines > MAX_FILE_LINES);
    expect(large).toEqual([]);
  });

  it('keeps functions small, factory closures included (the sandbox runtime aside)', () => {
    const long = files
      .filter((file) => !isRuntime(file))
      .flatMap((file) => longFunctionsOf(file, MAX_FUNCTION_LINES));
    expect(long).toEqual([]);
  });
});

const MAX_FUNCTION_LINES = 80;
const MAX_FILE_LINES = 310;
/** Tables of data, long by their nature (the local embedder's word groups). */
const DATA_FILES = [path.join('skills', 'embeddings', 'concept-groups.ts')];

const isRuntime = (file: string) => file.includes(`${path.sep}runtime${path.sep}`);

/** Functions longer than `max` lines, as `file:line name (n lines)`; types stripped in place first. */
function longFunctionsOf(file: string, max: number): string[] {
  const text = readFileSync(file, 'utf8');
  const code = file.endsWith('.ts') ? stripTypeScriptTypes(text, { mode: 'strip' }) : text;
  const program = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const found: string[] = [];
  const visit = (node: unknown, name: string): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, name);
      return;
    }
    const n = node as acorn.Node & Record<string, unknown>;
    if (typeof n.type !== 'string') return;
    const named = nameOf(n) ?? name;
    if (/Function/.test(n.type) && n.loc) {
      const lines = n.loc.end.line - n.loc.start.line + 1;
      if (lines > max)
        found.push(`${path.relative(SRC, file)}:${n.loc.start.line} ${named} (${lines} lines)`);
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value, named);
  };
  visit(program, '(anonymous)');
  return found;
}

/** The name a node gives the functions in it: a declaration's, a variable's, a method's, a property's. */
function nameOf(node: acorn.Node & Record<string, unknown>): string | undefined {
  const id = (node.id ?? node.key) as { name?: unknown } | undefined;
  return typeof id?.name === 'string' ? id.name : undefined;
}

/**
 * Code that runs inside the isolate is written as ordinary, type-checked TypeScript files (the
 * tools and skills preludes, the import loader, the close-name rules), not as template strings. A
 * runtime file is self-contained: it may import types only, and its exports are functions or
 * constants. At load its types are stripped (Node's own stripper, positions kept) and the module is
 * turned into one expression whose value is the object of its exports.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import { UsageError } from '../errors.ts';
import { cachedRuntimeModule } from './runtime-module-cache.ts';
import { stripTypes } from './strip-types.ts';

/** A runtime file ready for the isolate. */
export interface RuntimeModule {
  /** An expression (a script's completion value) that evaluates to `{ export: value, ... }`. */
  source: string;
  /** `toolsmith:<file name>`: frames from it are hidden from the agent's stack traces. */
  filename: string;
  exports: string[];
}

const loaded = new Map<string, RuntimeModule>();

/** Load (once per process) the runtime file at `file`; throws a UsageError when it is not self-contained. */
export function loadRuntimeModule(file: URL): RuntimeModule {
  const key = file.href;
  let module = loaded.get(key);
  if (!module) {
    const text = readFileSync(file, 'utf8');
    const name = path.basename(fileURLToPath(file));
    module = cachedRuntimeModule(name, text, () => toRuntimeModule(text, name));
    loaded.set(key, module);
  }
  return module;
}

/** The transformation itself, for a source text (exported for tests). */
export function toRuntimeModule(typescript: string, name: string): RuntimeModule {
  const code = stripTypes(typescript);
  let program: acorn.Program;
  try {
    program = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch (error) {
    throw new UsageError(`runtime file ${name} does not parse: ${String(error)}`, { cause: error });
  }
  const exports: string[] = [];
  const edits: { start: number; end: number }[] = [];
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' || statement.type === 'ExportAllDeclaration') {
      throw new UsageError(
        `runtime file ${name} imports ${String(statement.source.value)}: code that runs in the sandbox must be self-contained (import types only)`,
      );
    }
    if (statement.type === 'ExportDefaultDeclaration') {
      throw new UsageError(`runtime file ${name} has a default export: export named functions instead`);
    }
    if (statement.type !== 'ExportNamedDeclaration') continue;
    const declaration = statement.declaration;
    if (!declaration || statement.source) {
      throw new UsageError(`runtime file ${name} re-exports: export declarations only`);
    }
    if (declaration.type === 'VariableDeclaration') {
      for (const d of declaration.declarations) {
        if (d.id.type !== 'Identifier') throw new UsageError(`runtime file ${name}: export plain names only`);
        exports.push(d.id.name);
      }
    } else {
      exports.push(declaration.id.name);
    }
    edits.push({ start: statement.start, end: declaration.start });
  }
  let body = code;
  for (const edit of edits.reverse()) {
    body = body.slice(0, edit.start) + ' '.repeat(edit.end - edit.start) + body.slice(edit.end);
  }
  return {
    source: `(() => {\n'use strict';\n${body}\nreturn { ${exports.join(', ')} };\n})()`,
    filename: `toolsmith:${name}`,
    exports,
  };
}

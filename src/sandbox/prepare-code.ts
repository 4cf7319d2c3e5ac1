/**
 * Turns the agent's code into a script for the isolate, REPL style:
 * - TypeScript annotations are stripped (Node's `module.stripTypeScriptTypes`), positions kept.
 * - The code becomes the body of an async function, so top-level `await` and `return` work.
 * - Top-level declarations (var/let/const/function/class) become globals of the context, so they
 *   persist into the next run like cells of a notebook.
 * - When the last statement is an expression, its value is returned.
 * - `import X from 'name'`, `import { a } from 'name'` and `import('name')` go to the library loader
 *   (src/sandbox/libraries): a static import becomes a top-level `const` of what it imports.
 * Every edit either keeps lengths (keyword -> spaces) or is a recorded insertion, so positions that
 * V8 reports in the generated script map back to the submitted code exactly.
 */
import type * as acorn from 'acorn';
import { IMPORT_NAMESPACE } from './libraries/catalog.ts';
import { parseWithImports } from './lower-imports.ts';
import { applyEdits, type Edit, positionMapper } from './source-edits.ts';
import { stripTypes } from './strip-types.ts';

/** File name shown in stack frames of the agent's code. */
export const CODE_FILENAME = 'task.js';

/** Lines placed before the code in the generated script (line offset = -PRELUDE_LINES). */
export const PRELUDE_LINES = 2;

export interface PreparedCode {
  /** The script: `var <globals>;\n(async function () {...\n<code>\n})`; its completion value is the function. */
  source: string;
  /** Map a 1-based (line, column) of the generated script, after the line offset, to the code's. */
  mapPosition(line: number, column: number): { line: number; column: number };
  /** The code as run (types stripped), for showing the offending line. */
  code: string;
  lineCount: number;
  /** Where the code first imports (a library, through the loader), when it does. */
  imports?: { line: number; column: number };
}

export interface PrepareError {
  name: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * `probe`: the code the parser failed on, for a second opinion from V8 (whose messages read
 * better); absent when this module's message is the better one (e.g. the hint about imports).
 */
export type PrepareResult =
  | { ok: true; prepared: PreparedCode }
  | { ok: false; error: PrepareError; probe?: string };

type Node = acorn.AnyNode;

/** Prepare code for running. Syntax errors come back as data, never thrown. */
export function prepareCode(input: string): PrepareResult {
  let code = input;
  let program = parseWithImports(code);
  if ('error' in program) return program.error;
  if (program.program instanceof SyntaxError) {
    const failed = program.program;
    let stripped: string;
    try {
      stripped = stripTypes(input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Unsupported TypeScript (enums, namespaces) says so.
      if (/TypeScript|strip-only/i.test(message)) {
        return { ok: false, error: { name: 'SyntaxError', message: firstLine(message) } };
      }
      // The TypeScript parser failed somewhere else than the JS parser (which stopped at the first
      // annotation): the code is TypeScript and the TypeScript parser's error is the real one.
      const at = strippingErrorPosition(error);
      const loc = (failed as SyntaxError & { loc?: { line: number; column: number } }).loc;
      if (at && loc && (at.line !== loc.line || at.column !== loc.column + 1)) {
        return { ok: false, error: { name: 'SyntaxError', message: firstLine(message), ...at } };
      }
      return failure(failed, program.code, program.module);
    }
    const reparsed = parseWithImports(stripped);
    if ('error' in reparsed) return reparsed.error;
    if (reparsed.program instanceof SyntaxError)
      return failure(reparsed.program, reparsed.code, reparsed.module);
    program = reparsed;
  }
  code = program.code;
  return { ok: true, prepared: rewrite(code, program.program as acorn.Program) };
}

/** V8's second opinion is asked of script code only (it would only complain about the imports). */
function failure(error: SyntaxError, source: string, module = false): PrepareResult {
  return module
    ? { ok: false, error: syntaxErrorOf(error) }
    : { ok: false, error: syntaxErrorOf(error), probe: source };
}

/**
 * Node decorates the stripping error's stack with the position: `:LINE`, the source, then a caret
 * line under the column. Best effort: undefined when the decoration is not there.
 */
function strippingErrorPosition(error: unknown): { line: number; column: number } | undefined {
  const stack = error instanceof Error ? String(error.stack) : '';
  const header = /^[^\n]*:(\d+)\n/.exec(stack);
  const caret = /^( *)\^+ *$/m.exec(stack);
  if (!header || !caret) return undefined;
  return { line: Number(header[1]), column: (caret[1]?.length ?? 0) + 1 };
}

function syntaxErrorOf(error: SyntaxError): PrepareError {
  const loc = (error as SyntaxError & { loc?: { line: number; column: number } }).loc;
  const message = error.message.replace(/\s*\(\d+:\d+\)$/, '');
  return loc
    ? { name: 'SyntaxError', message, line: loc.line, column: loc.column + 1 }
    : { name: 'SyntaxError', message };
}

function rewrite(code: string, program: acorn.Program): PreparedCode {
  const top: TopLevel = { globals: new Set(), hoistedFunctions: [], edits: [] };
  const body = program.body;
  for (const statement of body) declareTopLevel(statement, top);
  const { edits, globals, hoistedFunctions } = top;
  const imports = code.includes('import') ? lowerDynamicImports(program, edits) : undefined;

  const last = body[body.length - 1];
  // A lone string is the value of the run, unless it is the `use strict` directive.
  if (
    last &&
    last.type === 'ExpressionStatement' &&
    !('directive' in last && last.directive === 'use strict')
  ) {
    edits.push({ start: last.start, end: last.start, text: 'return ' });
  }

  const { text, insertions } = applyEdits(code, edits);
  const names = [...globals];
  const source = [
    names.length > 0 ? `var ${names.join(', ')};` : '',
    `(async function () {${hoistedFunctions.map((name) => `globalThis.${name} = ${name};`).join(' ')}`,
    text,
    '})',
  ].join('\n');
  return {
    source,
    code,
    lineCount: code.split('\n').length,
    ...(imports ? { imports } : {}),
    mapPosition: positionMapper(insertions),
  };
}

/** What the top-level declarations of the code become: globals of the session. */
interface TopLevel {
  globals: Set<string>;
  hoistedFunctions: string[];
  edits: Edit[];
}

/** Top-level `var`/`let`/`const`, functions and classes become globals kept across runs. */
function declareTopLevel(statement: acorn.Statement | acorn.ModuleDeclaration, top: TopLevel): void {
  const { globals, edits } = top;
  if (
    statement.type === 'VariableDeclaration' &&
    (statement.kind === 'var' || statement.kind === 'let' || statement.kind === 'const')
  ) {
    const patterns = statement.declarations.map((d) => d.id);
    for (const pattern of patterns) collectNames(pattern, globals);
    const needsParens = patterns.some((p) => p.type !== 'Identifier');
    const kindLength = statement.kind.length;
    // `;(` so that a previous line without a semicolon is not called: `f()\n(   [a] = b)`.
    const keyword = needsParens ? `;(${' '.repeat(kindLength - 2)}` : ' '.repeat(kindLength);
    edits.push({ start: statement.start, end: statement.start + kindLength, text: keyword });
    if (statement.kind === 'let') {
      // `let x;` starts x over as undefined, as it would in a new scope.
      for (const d of statement.declarations) {
        if (!d.init) edits.push({ start: d.id.end, end: d.id.end, text: ' = undefined' });
      }
    }
    if (needsParens) {
      const last = statement.declarations[statement.declarations.length - 1];
      if (last) edits.push({ start: last.end, end: last.end, text: ')' });
    }
  } else if (statement.type === 'FunctionDeclaration' && statement.id) {
    globals.add(statement.id.name);
    top.hoistedFunctions.push(statement.id.name);
  } else if (statement.type === 'ClassDeclaration' && statement.id) {
    globals.add(statement.id.name);
    edits.push({
      start: statement.end,
      end: statement.end,
      text: `;globalThis.${statement.id.name} = ${statement.id.name};`,
    });
  }
}

/** `import('name')` anywhere goes to the library loader; returns where the first import is. */
function lowerDynamicImports(program: acorn.Program, edits: Edit[]): PreparedCode['imports'] {
  let imports: PreparedCode['imports'];
  walk(program, (node) => {
    const dynamic = node.type === 'ImportExpression';
    if (dynamic) edits.push({ start: node.start, end: node.start + 6, text: IMPORT_NAMESPACE });
    // A static import was lowered to a call of the loader already.
    if ((dynamic || (node.type === 'Identifier' && node.name === IMPORT_NAMESPACE)) && node.loc) {
      const at = { line: node.loc.start.line, column: node.loc.start.column + 1 };
      if (!imports || at.line < imports.line || (at.line === imports.line && at.column < imports.column))
        imports = at;
    }
  });
  return imports;
}

function collectNames(pattern: Node | null, into: Set<string>): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      into.add(pattern.name);
      return;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        collectNames(property.type === 'RestElement' ? property.argument : property.value, into);
      }
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements) collectNames(element, into);
      return;
    case 'RestElement':
      collectNames(pattern.argument, into);
      return;
    case 'AssignmentPattern':
      collectNames(pattern.left, into);
      return;
    default:
      return;
  }
}

/** Visit every node of the tree. */
function walk(node: unknown, visit: (node: Node) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (typeof (node as { type?: unknown }).type !== 'string') return;
  visit(node as Node);
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'loc' && child !== null && typeof child === 'object') walk(child, visit);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * The rewriting of submitted code into a script, and the mapping of positions in the script back
 * to the code. The script is checked by running it in node:vm (the same V8 the isolate uses).
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PRELUDE_LINES, type PreparedCode, prepareCode } from '../../src/sandbox/prepare-code.ts';

function prepared(code: string): PreparedCode {
  const result = prepareCode(code);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(code)} to prepare: ${result.error.message}`);
  return result.prepared;
}

/** Run the generated script in a fresh context; returns its value and the context's globals. */
async function runScript(source: string, context: vm.Context = vm.createContext({})) {
  const fn = new vm.Script(source, { filename: 'task.js', lineOffset: -PRELUDE_LINES }).runInContext(context);
  const value: unknown = await fn();
  return { value, context };
}

/** Position in the generated script (after the line offset) of `needle` in the code's text. */
function scriptPosition(source: string, needle: string): { line: number; column: number } {
  const lines = source.split('\n').slice(PRELUDE_LINES);
  for (const [index, line] of lines.entries()) {
    const at = line.indexOf(needle);
    if (at !== -1) return { line: index + 1, column: at + 1 };
  }
  throw new Error(`${needle} not in the script`);
}

describe('prepareCode rewriting', () => {
  it('wraps the code in an async function whose script value is that function', async () => {
    const { value } = await runScript(prepared('await null;\nreturn 40 + 2;').source);
    expect(value).toBe(42);
  });

  it('returns the last expression statement, and nothing after a declaration or a block', async () => {
    expect((await runScript(prepared('const a = 2;\na * 21').source)).value).toBe(42);
    expect((await runScript(prepared('"just a string"').source)).value).toBe('just a string');
    expect((await runScript(prepared('const b = 1').source)).value).toBeUndefined();
    expect((await runScript(prepared('if (true) { 5 }').source)).value).toBeUndefined();
    expect((await runScript(prepared('"use strict"').source)).value).toBeUndefined();
  });

  it('turns top-level declarations into globals of the context', async () => {
    const code = [
      'const a = 1;',
      'let b;',
      'var c = 3, d = 4;',
      'const { e, f: [g, ...h], i: { j = 5 } } = { e: 1, f: [2, 3, 4], i: {} };',
      'function k() { return a + c; }',
      'class L { static m = 7; }',
    ].join('\n');
    const context = vm.createContext({});
    await runScript(prepared(code).source, context);
    const globals = vm.runInContext('[a, b, c, d, e, g, h, j, k(), L.m]', context);
    expect(globals).toEqual([1, undefined, 3, 4, 1, 2, [3, 4], 5, 4, 7]);
  });

  it('makes functions callable before their declaration line, as hoisting does', async () => {
    const context = vm.createContext({});
    const { value } = await runScript(
      prepared('const r = later();\nfunction later() { return "hoisted"; }\nr').source,
      context,
    );
    expect(value).toBe('hoisted');
    expect(vm.runInContext('typeof later', context)).toBe('function');
  });

  it('resets a `let` without initializer but keeps a `var` without one', async () => {
    const context = vm.createContext({});
    await runScript(prepared('let x = 1; var y = 2;').source, context);
    await runScript(prepared('let x; var y;').source, context);
    expect(vm.runInContext('[x, y]', context)).toEqual([undefined, 2]);
  });

  it('keeps the code exactly where no edit was needed', () => {
    const code = 'for (let i = 0; i < 3; i++) {\n  console.log(i);\n}';
    const result = prepared(code);
    expect(result.source.split('\n').slice(PRELUDE_LINES, -1).join('\n')).toBe(code);
    expect(result.lineCount).toBe(3);
    expect(result.code).toBe(code);
  });

  it('strips TypeScript keeping every position', () => {
    const code = 'const n: number = 1;\ninterface I { a: string }\nconst s = n as unknown as string;\ns';
    const result = prepared(code);
    expect(result.code).toHaveLength(code.length);
    expect(result.code.split('\n').map((line) => line.length)).toEqual(
      code.split('\n').map((line) => line.length),
    );
    expect(result.code).toMatch(/^const n {9}= 1;/);
  });

  it('reports syntax errors as data, never throws', () => {
    const cases: [string, RegExp, number | undefined][] = [
      ['const = 1', /Unexpected token/, 1],
      ['export const x = 1', /export is not available in the sandbox/, 1],
      ['import { a } from "y";\nconst = 2', /Unexpected token/, 2],
      ['enum E { A }', /enum is not supported/, undefined],
      ['const a: number = 1;\nconst s: string = "a" +;', /Expression expected/, 2],
    ];
    for (const [code, message, line] of cases) {
      const result = prepareCode(code);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.name).toBe('SyntaxError');
      expect(result.error.message).toMatch(message);
      expect(result.error.line).toBe(line);
    }
  });

  it('asks V8 for a second opinion only when its own message is not the better one', () => {
    const plain = prepareCode('const = 1');
    const exported = prepareCode('export const x = 1');
    expect(!plain.ok && plain.probe).toBe('const = 1');
    expect(!exported.ok && 'probe' in exported).toBe(false);
  });
});

describe('prepareCode position mapping', () => {
  it('maps unshifted lines and columns to themselves', () => {
    const result = prepared('const a = 1;\nconsole.log(a);\nconst b = 2;');
    expect(result.mapPosition(2, 9)).toEqual({ line: 2, column: 9 });
    expect(result.mapPosition(3, 1)).toEqual({ line: 3, column: 1 });
  });

  it.each([
    ['after the inserted `return `', 'const o = null;\nfoo(o.bar)', 'bar'],
    ['after `;(` and before `)` of a destructuring', 'const [a] = [1]; a.b.c = 1;', 'b.c'],
    ['after the global assignment of a class', 'class A {} A.x.y = 1;', 'x.y'],
    ['after `= undefined` of a let', 'let p, q; q.r;', 'r;'],
    ['after several insertions on one line', 'let m; const [n] = [1]; class C {} m.z', 'z'],
  ])('maps positions %s', (_label, code, needle) => {
    const result = prepared(code);
    const lastLine = code.split('\n').length;
    const inScript = scriptPosition(result.source, needle);
    const inCode = code.split('\n')[lastLine - 1]?.lastIndexOf(needle);
    expect(inScript.line).toBe(lastLine);
    expect(result.mapPosition(inScript.line, inScript.column)).toEqual({
      line: lastLine,
      column: (inCode ?? -2) + 1,
    });
  });

  it('maps a position inside inserted text to where the text was inserted', () => {
    const result = prepared('const x = 1;\nx + 1');
    const inScript = scriptPosition(result.source, 'return x');
    expect(result.mapPosition(inScript.line, inScript.column + 3)).toEqual({ line: 2, column: 1 });
  });
});

describe('prepareCode imports', () => {
  it('turns each import declaration into a const from the library loader, keeping later lines', () => {
    const code = [
      "import Papa from 'papaparse';",
      'import {',
      '  groupBy,',
      '  sumBy as total,',
      "} from 'lodash-es';",
      "import * as stats from 'simple-statistics';",
      "import YAML, * as all from 'yaml';",
      "import 'fflate';",
      'boom();',
    ].join('\n');
    const result = prepared(code);
    const lines = result.source.split('\n').slice(PRELUDE_LINES);
    expect(lines).toEqual([
      ';(    { default: Papa } = await __toolsmith_import("papaparse", ["default"]));',
      ';(    { "groupBy": groupBy, "sumBy": total } = await __toolsmith_import("lodash-es", ["groupBy","sumBy"]));',
      '',
      '',
      '',
      '      stats = await __toolsmith_import("simple-statistics");',
      ';(    all = await __toolsmith_import("yaml", ["default"]), { default: YAML } = all);',
      'await __toolsmith_import("fflate");',
      'return boom();',
      '})',
    ]);
    expect(result.source.startsWith('var Papa, groupBy, total, stats, all, YAML;')).toBe(true);
    expect(result.code.split('\n')).toHaveLength(9);
  });

  it('points import() anywhere at the loader, mapping positions back', () => {
    const result = prepared("const m = await import('yaml');\nconst f = () => import(\n'x');\nimport('y')");
    expect(result.source).toContain("await __toolsmith_import('yaml')");
    expect(result.source).toContain('() => __toolsmith_import(');
    expect(result.source).toContain("return __toolsmith_import('y')");
    // A column after the rewritten keyword maps to the submitted code's column.
    expect(result.mapPosition(1, 36)).toEqual({ line: 1, column: 24 });
    expect(result.mapPosition(1, 20)).toEqual({ line: 1, column: 17 });
  });

  it('keeps TypeScript type imports harmless and strips them with the rest of the types', () => {
    const result = prepareCode(
      "import type { ParseResult } from 'papaparse';\nimport Papa from 'papaparse';\nconst r: ParseResult<string[]> = Papa.parse('a');\nr",
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.prepared.source).toContain('__toolsmith_import("papaparse", ["default"])');
  });
});

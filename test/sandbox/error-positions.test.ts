/**
 * Errors point at the submitted code: line and column as plain V8 reports them for the same text
 * (node:vm is the reference), whatever the rewriting inserted, and stacks show only task.js frames.
 */
import { describe, expect, it } from 'vitest';
import { renderRunResult } from '../../src/sandbox/render-result.ts';
import { hostProviders, referencePosition, useSandboxes } from './helpers.ts';

const sandbox = useSandboxes();

describe('runtime error positions', () => {
  it.each([
    ['line 1', 'null.x'],
    ['a later line', 'const a = 1;\nconst b = a + 1;\nundefinedFunction(b);\nconst c = 3;'],
    ['the last line, where `return ` is inserted', 'const o = { list: null };\no.list.map((x) => x)'],
    ['mid-line on the last line', 'const n = 1;\nn + 1, n.toFixed(200)'],
    ['a destructuring declaration', 'const ok = 1;\nconst { a, b: [c] } = { a: 1, b: null };'],
    ['after a destructuring on the same line', 'let [p] = [1]; p.q.r = 2;'],
    ['after `let x;` (which gains `= undefined`)', 'let x; let y; x.boom;'],
    ['after a class on the same line', 'class A { m() { return 1; } } new A().missing();'],
    [
      'inside a function declared earlier in the code',
      'function inner(v) {\n  return v.deep.value;\n}\nconst r = inner({});',
    ],
    ['a thrown error', 'const v = 2;\nif (v > 1) throw new RangeError("too big: " + v);'],
  ])('%s', async (_label, code) => {
    const sb = sandbox();
    const result = await sb.run(code);
    expect(result.ok).toBe(false);
    const reference = referencePosition(code);
    expect({ line: result.error?.line, column: result.error?.column }).toEqual(reference);
    expect(result.error?.stack?.split('\n')[1]).toContain(`task.js:${reference.line}:${reference.column}`);
  });

  it('maps positions after TypeScript annotations were stripped', async () => {
    const sb = sandbox();
    const code = 'const list: Array<{ id: number }> = [];\nconst first: { id: number } = list[0]!;\nfirst.id';
    const result = await sb.run(code);
    expect(result.error).toMatchObject({ name: 'TypeError', line: 3, column: 7 });
  });

  it('keeps only frames of the submitted code in the stack', async () => {
    const sb = sandbox({
      providers: hostProviders({ fail: () => Promise.reject(new Error('host says no')) }),
    });
    const code = [
      'async function load(id) {',
      '  await fail(id);',
      '}',
      'async function main() {',
      '  await Promise.all([load(1)]);',
      '}',
      'await main();',
    ].join('\n');
    const result = await sb.run(code);
    expect(result.error).toMatchObject({ name: 'Error', message: 'host says no', line: 2, column: 3 });
    const frames = result.error?.stack?.split('\n').slice(1) ?? [];
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at .*task\.js:\d+:\d+\)?$/);
    expect(result.error?.stack).not.toMatch(/toolsmith:|node:|isolated-vm/);
  });

  it('hides runtime frames from stacks read inside the sandbox too', async () => {
    const sb = sandbox({ providers: hostProviders({ fail: () => Promise.reject(new TypeError('no')) }) });
    const result = await sb.run(
      'try { await fail(); } catch (e) { console.log(e.stack); }\nconsole.trace("here");\n1',
    );
    const texts = result.logs.map((entry) => entry.text);
    expect(texts[0]).toBe('TypeError: no\n    at async task.js:1:7');
    expect(texts[1]).toBe('Trace: here\n    at task.js:2:9');
  });

  it('renders the error with the offending line and a caret', async () => {
    const sb = sandbox();
    const code = 'const rows = [];\nrows[0].name';
    const result = await sb.run(code);
    expect(renderRunResult(result, code)).toBe(
      [
        "TypeError: Cannot read properties of undefined (reading 'name')",
        '  at line 2, column 9:',
        '2 | rows[0].name',
        '            ^',
      ].join('\n'),
    );
  });

  it('reports throws of values that are not errors', async () => {
    const sb = sandbox();
    expect((await sb.run('throw { code: 42 }')).error).toEqual({ name: 'Uncaught', message: '{ code: 42 }' });
    expect((await sb.run('throw "plain"')).error).toEqual({ name: 'Uncaught', message: "'plain'" });
    expect((await sb.run('await Promise.reject(null)')).error).toEqual({ name: 'Uncaught', message: 'null' });
  });
});

describe('syntax error positions', () => {
  it.each([
    [
      'a missing expression',
      'const a = 1;\nconst b = ;',
      { line: 2, column: 11, message: "Unexpected token ';'" },
    ],
    [
      'an unclosed call at the end',
      'const a = 1;\nfoo(a',
      { line: 2, column: 5, message: 'missing ) after argument list' },
    ],
    [
      'an unclosed object at the end',
      'const o = {\n  a: 1,\n',
      { line: 3, column: 1, message: 'Unexpected end of input' },
    ],
    ['a stray token', 'let x = 1;;\nx +* 2', { line: 2, column: 4, message: "Unexpected token '*'" }],
  ])('%s', async (_label, code, expected) => {
    const sb = sandbox();
    await sb.run('const kept = 1');
    const result = await sb.run(code);
    expect(result.ok).toBe(false);
    expect(result.error).toEqual({ name: 'SyntaxError', ...expected });
    expect((await sb.run('kept')).data).toBe(1);
  });

  it('says that import needs the library loader, and that export has no meaning, where they are', async () => {
    const sb = sandbox();
    for (const code of [
      'import fs from "node:fs";',
      'const t: number = 1;\nimport x from "y";',
      'await import("y")',
    ]) {
      const result = await sb.run(code);
      expect(result.error?.message).toMatch(
        /^import is not available in this sandbox \(it has no library loader\)/,
      );
      expect(result.error?.line).toBe(code.startsWith('const') ? 2 : 1);
    }
    const exported = await sb.run('const a = 1;\nexport const z = 1;');
    expect(exported.error).toMatchObject({
      name: 'SyntaxError',
      message:
        'export is not available in the sandbox: top-level declarations persist into the next run by themselves',
      line: 2,
      column: 1,
    });
  });
});

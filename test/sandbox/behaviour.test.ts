/**
 * What the agent's code can rely on: state that persists across runs like notebook cells, the
 * value of the last expression, TypeScript, a Node-like console, and host calls that run in parallel.
 */
import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostProviders, overlapProbe, useSandboxes } from './helpers.ts';

const TEST_PRELUDE = new URL('./fixtures/test-prelude.ts', import.meta.url);

const sandbox = useSandboxes();

describe('state across runs', () => {
  it('keeps const, let, var, functions, classes and destructured names', async () => {
    const sb = sandbox();
    const first = await sb.run(`
      const a = 1;
      let b = 2;
      var c = 3;
      function sum() { return a + b + c; }
      class Counter { #n = 0; next() { return ++this.#n; } }
      const { d, e: [g, ...rest] } = { d: 4, e: [5, 6, 7] };
      let [h = 8] = [];
    `);
    expect(first).toMatchObject({ ok: true, logs: [] });
    expect(first.value).toBeUndefined();
    const second = await sb.run(
      'const k = new Counter(); k.next(); [a, b, c, sum(), k.next(), d, g, rest, h]',
    );
    expect(second.ok).toBe(true);
    expect(second.data).toEqual([1, 2, 3, 6, 2, 4, 5, [6, 7], 8]);
  });

  it('lets a later run declare the same names again, as a new cell would', async () => {
    const sb = sandbox();
    await sb.run('const total = 1; let label = "a"; class Shape {} function f() { return 1; }');
    const again = await sb.run(
      'const total = 2; let label; class Shape { get sides() { return 3; } } function f() { return 2; }',
    );
    expect(again.ok).toBe(true);
    expect((await sb.run('[total, label, new Shape().sides, f()]')).data).toEqual([2, null, 3, 2]);
  });

  it('keeps closures over persisted variables working across runs', async () => {
    const sb = sandbox();
    await sb.run('let count = 0; const inc = () => ++count;');
    await sb.run('inc(); inc();');
    expect((await sb.run('count')).data).toBe(2);
    await sb.run('count = 10');
    expect((await sb.run('inc()')).data).toBe(11);
  });

  it('keeps names declared inside blocks local to the run', async () => {
    const sb = sandbox();
    await sb.run('{ const inner = 1; } for (let i = 0; i < 2; i++) {} if (true) { var hoisted = 2; }');
    expect((await sb.run('[typeof inner, typeof i, typeof hoisted]')).data).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ]);
  });

  it('does not let a line without a semicolon swallow a destructuring declaration', async () => {
    const sb = sandbox();
    const result = await sb.run(
      'const f = () => 1\nf()\nconst [a, b] = [1, 2]\nconst { c } = { c: 3 }\na + b + c',
    );
    expect(result).toMatchObject({ ok: true, data: 6 });
  });
});

describe('the value of a run', () => {
  it('is the last expression, rendered like util.inspect and copied as data', async () => {
    const sb = sandbox();
    const result = await sb.run('const rows = [{ id: 1, tags: ["a"] }, { id: 2, tags: [] }];\nrows');
    expect(result.value).toBe(
      util.inspect([
        { id: 1, tags: ['a'] },
        { id: 2, tags: [] },
      ]),
    );
    expect(result.data).toEqual([
      { id: 1, tags: ['a'] },
      { id: 2, tags: [] },
    ]);
    expect((await sb.run('"text"')).value).toBe("'text'");
    expect((await sb.run('"text"')).data).toBe('text');
  });

  it('is what `return` gives, also from inside a branch', async () => {
    const sb = sandbox();
    expect((await sb.run('if (1 < 2) { return "early"; }\nreturn "late";')).data).toBe('early');
    expect((await sb.run('return { a: 1 }; "not reached"')).data).toEqual({ a: 1 });
  });

  it('awaits a promise left as the last expression', async () => {
    const sb = sandbox();
    const result = await sb.run('const later = async () => 41 + 1;\nlater()');
    expect(result).toMatchObject({ ok: true, value: '42', data: 42 });
  });

  it('has no value after a declaration, a statement or undefined', async () => {
    const sb = sandbox();
    for (const code of ['const x = 1', 'for (const i of [1]) {}', 'undefined', 'void 0', '']) {
      const result = await sb.run(code);
      expect(result.ok).toBe(true);
      expect(result.value).toBeUndefined();
      expect('data' in result).toBe(false);
    }
  });

  it('renders values that are not JSON data without a data copy', async () => {
    const sb = sandbox();
    const result = await sb.run('new Map([["k", new Set([1n])]])');
    expect(result.value).toBe(util.inspect(new Map([['k', new Set([1n])]])));
    expect(result.data).toBeUndefined();
    const cyclic = await sb.run('const o = { name: "o" }; o.self = o; o');
    expect(cyclic.value).toBe("<ref *1> { name: 'o', self: [Circular *1] }");
    expect(cyclic.data).toBeUndefined();
  });

  it('keeps a directive prologue as code, not a value', async () => {
    const sb = sandbox();
    const result = await sb.run('"use strict";\nconst v = 3;\nv * 2');
    expect(result.data).toBe(6);
  });
});

describe('TypeScript', () => {
  it('strips interfaces, type aliases, generics, annotations and `as`', async () => {
    const sb = sandbox();
    const result = await sb.run(`
      interface Row { name: string; n: number }
      type Pair = [string, number];
      function top<T extends Row>(rows: T[], k: number): T[] {
        return [...rows].sort((a: T, b: T) => b.n - a.n).slice(0, k);
      }
      const rows = [{ name: 'a', n: 1 }, { name: 'b', n: 3 }, { name: 'c', n: 2 }] as Row[];
      const pair: Pair = ['x', 1];
      const names = top<Row>(rows, 2).map((r) => r.name as string);
      [names, pair, rows.length satisfies number]
    `);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual([['b', 'c'], ['x', 1], 3]);
  });

  it('keeps TypeScript declarations across runs like JavaScript ones', async () => {
    const sb = sandbox();
    await sb.run('const limit: number = 5;\nfunction double(x: number): number { return x * 2; }');
    expect((await sb.run('double(limit)')).data).toBe(10);
  });

  it('strips a type-only import with the other types', async () => {
    const sb = sandbox();
    const result = await sb.run('import type { Issue } from "./types";\nconst x: Issue | null = null;\nx');
    expect(result).toMatchObject({ ok: true, data: null });
  });

  it('says clearly that enums and namespaces cannot be stripped', async () => {
    const sb = sandbox();
    const result = await sb.run('enum Color { Red }\nColor.Red');
    expect(result.ok).toBe(false);
    expect(result.error?.name).toBe('SyntaxError');
    expect(result.error?.message).toMatch(/enum is not supported/);
  });

  it('points at the TypeScript syntax error, not at the first annotation', async () => {
    const sb = sandbox();
    const result = await sb.run('const a: number = 1;\nconst s: string = "a" +;');
    expect(result.error).toMatchObject({
      name: 'SyntaxError',
      message: 'Expression expected',
      line: 2,
      column: 24,
    });
  });
});

describe('console', () => {
  it('formats each call like Node and keeps the level', async () => {
    const sb = sandbox();
    const result = await sb.run(`
      console.log('%s has %d items (%i%%) %j', 'cart', 3, 42.9, { a: 1 });
      console.info({ nested: { deeper: { deepest: { bottom: 1 } } } }, [1, 2, 3]);
      console.warn(new Map([['k', { v: [1, 2] }]]), new Set(['x']));
      console.error(new Date(0), null, undefined, -0, 10n, Symbol('s'));
      console.debug('%o', { a: [1] });
      const cycle = { name: 'c' }; cycle.self = cycle;
      console.log(cycle, Array.from({ length: 12 }, (_, i) => i * 3));
    `);
    const cycle: Record<string, unknown> = { name: 'c' };
    cycle.self = cycle;
    expect(result.logs).toEqual([
      { level: 'log', text: util.format('%s has %d items (%i%%) %j', 'cart', 3, 42.9, { a: 1 }) },
      { level: 'info', text: util.format({ nested: { deeper: { deepest: { bottom: 1 } } } }, [1, 2, 3]) },
      { level: 'warn', text: util.format(new Map([['k', { v: [1, 2] }]]), new Set(['x'])) },
      { level: 'error', text: util.format(new Date(0), null, undefined, -0, 10n, Symbol('s')) },
      { level: 'debug', text: util.format('%o', { a: [1] }) },
      {
        level: 'log',
        text: util.format(
          cycle,
          Array.from({ length: 12 }, (_, i) => i * 3),
        ),
      },
    ]);
  });

  it('renders errors, tables, dir with options, groups and counters like Node', async () => {
    const sb = sandbox();
    const result = await sb.run(`
      const e = new RangeError('too big'); e.stack = 'RangeError: too big'; e.code = 'E_BIG';
      console.log(e);
      console.table([{ a: 1, b: 'x' }, { a: 2, c: true }]);
      console.dir({ a: { b: { c: { d: {} } } } }, { depth: 0 });
      console.group('outer');
      console.log('inside\\nsecond line');
      console.groupEnd();
      console.count(); console.count();
      console.assert(1 > 2, 'math %s', 'broke');
    `);
    const texts = result.logs.map((entry) => entry.text);
    expect(texts[0]).toBe("[RangeError: too big] { code: 'E_BIG' }");
    expect(texts[1]).toBe(
      [
        '┌─────────┬───┬─────┬──────┐',
        '│ (index) │ a │ b   │ c    │',
        '├─────────┼───┼─────┼──────┤',
        "│ 0       │ 1 │ 'x' │      │",
        '│ 1       │ 2 │     │ true │',
        '└─────────┴───┴─────┴──────┘',
      ].join('\n'),
    );
    expect(texts.slice(2)).toEqual([
      '{ a: [Object] }',
      'outer',
      '  inside\n  second line',
      'default: 1',
      'default: 2',
      'Assertion failed: math broke',
    ]);
    expect(result.logs.at(-1)?.level).toBe('warn');
  });

  it('streams each line to onLog as it is written', async () => {
    const sb = sandbox();
    const seen: string[] = [];
    const result = await sb.run('console.log("one"); await sleep(20); console.warn("two"); 3', {
      onLog: (entry) => seen.push(`${entry.level}:${entry.text}`),
    });
    expect(seen).toEqual(['log:one', 'warn:two']);
    expect(result.logs.map((entry) => entry.text)).toEqual(['one', 'two']);
  });

  it('runs timers inside the run and notes the ones still pending at its end', async () => {
    const sb = sandbox();
    const result = await sb.run(`
      const order = [];
      setTimeout(() => order.push('late'), 30);
      setTimeout((x) => order.push(x), 5, 'early');
      const cancelled = setTimeout(() => order.push('never'), 10);
      clearTimeout(cancelled);
      let ticks = 0;
      const id = setInterval(() => { if (++ticks === 3) clearInterval(id); }, 1);
      await sleep(60);
      setTimeout(() => console.log('after the end'), 10_000);
      [order, ticks]
    `);
    expect(result.data).toEqual([['early', 'late'], 3]);
    expect(result.logs).toEqual([
      { level: 'warn', text: expect.stringMatching(/1 timer still pending .* was cancelled/) },
    ]);
  });
});

describe('host calls', () => {
  it('run concurrently under Promise.all', async () => {
    const probe = overlapProbe(50);
    const sb = sandbox({ providers: hostProviders({ 'tools.slow.echo': probe.fn }) });
    const result = await sb.run(
      'await Promise.all(Array.from({ length: 10 }, (_, i) => tools.slow.echo(i * 2)))',
    );
    expect(result.data).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(probe.calls).toHaveLength(10);
    expect(probe.maxActive).toBe(10);
  });

  it('copy arguments and results as plain data', async () => {
    const seen: unknown[][] = [];
    const sb = sandbox({
      providers: hostProviders({
        record: (args) => {
          seen.push(args);
          return { got: args.length, at: new Date(0) };
        },
      }),
    });
    const result = await sb.run(
      'const r = await record({ n: 1, when: new Date(0), big: 2n, skip: undefined }, [1, , 3], "s");\n[r, Object.getPrototypeOf(r) === Object.prototype]',
    );
    expect(seen).toEqual([[{ n: 1, when: '1970-01-01T00:00:00.000Z', big: '2' }, [1, null, 3], 's']]);
    expect(result.data).toEqual([{ got: 3, at: '1970-01-01T00:00:00.000Z' }, true]);
  });

  it('refuses arguments that are not JSON data, without calling the host', async () => {
    let called = 0;
    const sb = sandbox({ providers: hostProviders({ send: () => ++called }) });
    const result = await sb.run(
      'const c = {}; c.c = c;\ntry { await send(c); } catch (e) { console.log(e.name, e.message); }\n"still running"',
    );
    expect(result.logs[0]?.text).toMatch(/^TypeError send: arguments must be JSON data \(.*circular/i);
    expect(result.data).toBe('still running');
    expect(called).toBe(0);
  });

  it('bring host errors in with name and message, catchable, with the calling line in the stack', async () => {
    class ToolError extends Error {
      override name = 'ToolError';
    }
    const sb = sandbox({
      providers: hostProviders({
        'tools.github.get': () => {
          throw new TypeError('repo must be owner/name');
        },
        'tools.github.list': async () => {
          throw new ToolError('rate limited');
        },
        odd: () => Promise.reject('a bare string'),
      }),
    });
    const caught = await sb.run(
      [
        'const out = [];',
        'try {',
        '  await tools.github.get({ repo: "x" });',
        '} catch (e) { out.push([e.name, e.message, e instanceof TypeError, e.stack.split("\\n").slice(0, 2)]); }',
        'try { await tools.github.list(); } catch (e) { out.push([e.name, e.message, e instanceof Error]); }',
        'try { await odd(); } catch (e) { out.push([e.name, e.message]); }',
        'out',
      ].join('\n'),
    );
    // The failure is thrown inside the async binding, so V8's async stack names the awaiting line
    // of the agent's code, at its `await`.
    expect(caught.data).toEqual([
      [
        'TypeError',
        'repo must be owner/name',
        true,
        ['TypeError: repo must be owner/name', '    at async task.js:3:3'],
      ],
      ['ToolError', 'rate limited', true],
      ['Error', 'a bare string'],
    ]);
    const uncaught = await sb.run('const x = 1;\nawait tools.github.get({});');
    expect(uncaught.ok).toBe(false);
    expect(uncaught.error).toMatchObject({
      name: 'TypeError',
      message: 'repo must be owner/name',
      line: 2,
      column: 1,
    });
    expect(uncaught.error?.stack).toBe('TypeError: repo must be owner/name\n    at async task.js:2:1');
  });

  it('take providers per run: a changed set replaces the namespaces, an unchanged one costs nothing', async () => {
    const sb = sandbox({ providers: hostProviders({ first: () => 1, 'tools.a.b': () => 'ab' }) });
    expect((await sb.run('[await first(), await tools.a.b(), typeof second]')).data).toEqual([
      1,
      'ab',
      'undefined',
    ]);
    const second = hostProviders({ second: () => 2 });
    expect(
      (await sb.run('[typeof first, typeof tools, await second()]', { providers: second })).data,
    ).toEqual(['undefined', 'undefined', 2]);
    // The same names with other host functions: the context keeps its namespace, the host its new table.
    await sb.run('globalThis.kept = second', { providers: second });
    const again = hostProviders({ second: () => 'two' });
    expect((await sb.run('[kept === second, await second()]', { providers: again })).data).toEqual([
      true,
      'two',
    ]);
    // Without run providers, the sandbox's own apply again.
    expect((await sb.run('[typeof second, await first()]')).data).toEqual(['undefined', 1]);
  });

  it('say which binding is missing when code kept a function of a provider that is gone', async () => {
    const sb = sandbox({ providers: hostProviders({ 'tools.a.b': () => 'ab' }) });
    await sb.run('globalThis.f = tools.a.b');
    const result = await sb.run('await f()', { providers: [] });
    expect(result.error).toMatchObject({
      name: 'ReferenceError',
      message: 'tools.a.b is not available in this sandbox',
    });
  });

  it('refuse providers that are not one namespace each, or not identifiers', async () => {
    const sb = sandbox();
    const twice = [...hostProviders({ 'a.x': () => 1 }), ...hostProviders({ 'a.y': () => 2 })];
    await expect(sb.run('1', { providers: twice })).rejects.toThrow(
      /two sandbox providers define the namespace "a"/,
    );
    await expect(sb.run('1', { providers: [{ namespace: 'no-dash', bindings: {} }] })).rejects.toThrow(
      /namespace "no-dash" is not an identifier/,
    );
    await expect(
      sb.run('1', { providers: [{ namespace: 'ok', bindings: { 'a..b': () => 1 } }] }),
    ).rejects.toThrow(/binding "a..b" of provider ok is not a dotted path/);
  });

  it('build a namespace when the code first touches it, the same as if it had been there all along', async () => {
    const bindings = hostProviders({
      'tools.a.one': () => 1,
      'tools.a.two': () => 2,
      'tools.b.three': () => 3,
    });
    const sb = sandbox({ providers: bindings });
    const listed = await sb.run(
      '[Object.keys(tools), Object.keys(tools.a), tools.a.two.name, Object.keys(globalThis).includes("tools")]',
    );
    expect(listed.data).toEqual([['a', 'b'], ['one', 'two'], 'two', true]);
    expect((await sb.run('await tools.b.three()')).data).toBe(3);

    // Other providers before the namespace was ever touched, then after.
    const fresh = sandbox({ providers: bindings });
    const four = hostProviders({ 'tools.c.four': () => 4 });
    expect((await fresh.run('[Object.keys(tools), await tools.c.four()]', { providers: four })).data).toEqual(
      [['c'], 4],
    );
    const five = hostProviders({ 'tools.c.four': () => 4, 'tools.d.five': () => 5 });
    expect((await fresh.run('[Object.keys(tools), await tools.d.five()]', { providers: five })).data).toEqual(
      [['c', 'd'], 5],
    );

    // The code may take the name for itself before touching it; its value stays.
    const own = sandbox({ providers: bindings });
    expect((await own.run('tools = { mine: true }; tools')).data).toEqual({ mine: true });
    expect((await own.run('var skills = 1; typeof tools.mine')).data).toBe('boolean');
  });

  it('turn results that cannot cross into errors in the isolate', async () => {
    const sb = sandbox({
      providers: hostProviders({
        big: () => 10n,
        huge: () => 'x'.repeat(8_000_001),
        nothing: () => undefined,
      }),
    });
    const result = await sb.run(`
      const out = [await nothing()];
      for (const f of [big, huge]) { try { await f(); } catch (e) { out.push(e.name + ': ' + e.message); } }
      out
    `);
    expect(result.data).toEqual([
      null,
      expect.stringMatching(/^TypeError: .*BigInt/),
      expect.stringMatching(
        /^RangeError: the result of huge is too large \(8000003 characters of JSON, limit 8000000\)/,
      ),
    ]);
  });

  it("run a provider's prelude (a checked runtime file) in every fresh context, on first touch", async () => {
    const sb = sandbox({
      providers: [
        {
          namespace: 'extra',
          bindings: {},
          prelude: { file: TEST_PRELUDE, data: { helper: 3 }, globals: ['helper'] },
        },
      ],
    });
    expect((await sb.run('helper() * 2')).data).toBe(6);
    await sb.reset();
    expect((await sb.run('[typeof extra, helper()]')).data).toEqual(['object', 3]);
  });

  it('report a prelude that fails where the code touched its namespace', async () => {
    const sb = sandbox({
      providers: [
        { namespace: 'broken', bindings: {}, prelude: { file: TEST_PRELUDE, data: { fail: 'bad prelude' } } },
      ],
    });
    expect((await sb.run('1 + 1')).data).toBe(2);
    const touched = await sb.run('broken.x');
    expect(touched.error).toMatchObject({ name: 'Error', message: 'bad prelude' });
  });
});

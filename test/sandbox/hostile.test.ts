/**
 * Code that tries to get out, to hang, or to exhaust the host. The isolate may die; the host must
 * not notice beyond a result with ok:false, and nothing of Node or isolated-vm is reachable.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { hangingProbe, hostProviders, overlapProbe, until, useSandboxes } from './helpers.ts';

const TEST_PRELUDE = new URL('./fixtures/test-prelude.ts', import.meta.url);

const sandbox = useSandboxes();

describe('escapes', () => {
  it('the Function constructor reached through any object is the isolate’s own', async () => {
    const sb = sandbox({
      providers: hostProviders({
        echo: ([value]) => value,
        fail: () => {
          throw new Error('from the host');
        },
      }),
    });
    expect((await sb.run("constructor.constructor('return process')()")).error).toMatchObject({
      name: 'ReferenceError',
      message: 'process is not defined',
    });
    const probe = `[typeof process, typeof require, typeof module, typeof Buffer, typeof global, typeof __dirname]`;
    const viaThis = await sb.run(`this.constructor.constructor('return ${probe}')()`);
    const viaResult = await sb.run(
      `const r = await echo({ nested: [{}] });\nr.nested[0].constructor.constructor('return ${probe}')()`,
    );
    const viaError = await sb.run(
      `let caught; try { await fail(); } catch (e) { caught = e; }\nObject.getPrototypeOf(caught).constructor.constructor('return ${probe}')()`,
    );
    const viaProto = await sb.run(`({}).__proto__.constructor.constructor('return this')().eval('${probe}')`);
    for (const result of [viaThis, viaResult, viaError, viaProto]) {
      expect(result.data).toEqual(Array(6).fill('undefined'));
    }
    const prototypes = await sb.run(
      'const got = await echo({ a: [1] });\n[Object.getPrototypeOf(got) === Object.prototype, Object.getPrototypeOf(got.a) === Array.prototype]',
    );
    expect(prototypes.data).toEqual([true, true]);
  });

  it('arguments reach the host as plain copies: getters and toJSON ran inside, no functions', async () => {
    const seen: unknown[][] = [];
    const sb = sandbox({ providers: hostProviders({ take: (args) => seen.push(args) }) });
    await sb.run(`
      const sneaky = { get secret() { return 'computed inside'; }, fn() {}, toString() { return 'x'; } };
      await take(sneaky, { toJSON() { return { replaced: true }; } }, [() => 1]);
    `);
    expect(seen).toEqual([[{ secret: 'computed inside' }, { replaced: true }, [null]]]);
    const [first] = seen[0] ?? [];
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(first, 'secret')?.get).toBeUndefined();
  });

  it('nothing of isolated-vm or Node is reachable from globalThis', async () => {
    // Walks every object reachable from globalThis (values, accessors, prototypes) and lists the
    // native functions by path, plus anything named like isolated-vm's classes or the bridge.
    const walk = `(() => {
      const seen = new Set(), natives = [], suspicious = [];
      const queue = [[globalThis, 'globalThis']];
      const fnToString = Function.prototype.toString;
      const names = /^(Reference|ExternalCopy|Callback|Isolate|NativeModule)$|ivm|isolated|__toolsmith|^(process|require|module|Buffer)$/;
      while (queue.length) {
        const [value, path] = queue.shift();
        if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
        seen.add(value);
        if (typeof value === 'function' && /\\[native code\\]\\s*}$/.test(fnToString.call(value))) natives.push(path);
        const ctor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(value) ?? {}, 'constructor')?.value;
        if (typeof ctor === 'function' && names.test(ctor.name)) suspicious.push(path + ' (instance of ' + ctor.name + ')');
        queue.push([Object.getPrototypeOf(value), path + '.__proto__']);
        for (const key of Reflect.ownKeys(value)) {
          const name = typeof key === 'symbol' ? '[' + key.description + ']' : key;
          if (names.test(name)) suspicious.push(path + '.' + name);
          const d = Object.getOwnPropertyDescriptor(value, key);
          if ('value' in d) queue.push([d.value, path + '.' + name]);
          if (d.get) queue.push([d.get, path + '.' + name + '<get>']);
          if (d.set) queue.push([d.set, path + '.' + name + '<set>']);
        }
      }
      return { count: seen.size, natives, suspicious };
    })()`;
    const sb = sandbox({
      providers: [
        ...hostProviders({ 'tools.web.fetch': () => 1, top: () => 2 }),
        {
          namespace: 'extra',
          bindings: {},
          prelude: { file: TEST_PRELUDE, data: { helper: 3 }, globals: ['helper'] },
        },
      ],
    });
    await sb.run('const userValue = { list: [new Map(), new Set(), new Date()] };');
    const inSandbox = await sb.run(walk);
    expect(inSandbox.ok).toBe(true);
    const found = inSandbox.data as { count: number; natives: string[]; suspicious: string[] };
    // Bindings are async functions, so V8's AsyncFunction constructor (an intrinsic, like Function)
    // is reachable through them: the plain context gets an async function at the same path.
    const plain = vm.runInNewContext(`globalThis.top = async () => 2;\n${walk}`) as { natives: string[] };
    const plainNatives = new Set(plain.natives);
    // V8's own Intl.v8BreakIterator is there in isolated-vm and switched off by Node.
    const extra = found.natives.filter(
      (path) => !plainNatives.has(path) && !path.startsWith('globalThis.Intl.v8BreakIterator'),
    );
    expect(found.count).toBeGreaterThan(500);
    expect(extra).toEqual([]);
    expect(found.suspicious).toEqual([]);
  });
});

describe('hangs', () => {
  it.each([
    ['a sync loop', 'while (true) {}'],
    ['a loop after an await', 'await null;\nfor (;;) {}'],
    ['a loop in a timer', 'setTimeout(() => { while (true) {} }, 1);\nawait new Promise(() => {});'],
    [
      'a microtask chain',
      'const spin = () => Promise.resolve().then(spin);\nspin();\nawait new Promise(() => {});',
    ],
    ['an endless await loop', 'for (;;) await null;'],
  ])('%s ends at the CPU limit and the session goes on', async (_label, code) => {
    const sb = sandbox({ limits: { timeoutMs: 100, wallMs: 5_000 } });
    await sb.run('const before = 1');
    const result = await sb.run(code);
    expect(result.error).toMatchObject({ limit: 'cpu' });
    expect(await sb.run('before + 1')).toMatchObject({ ok: true, data: 2 });
  });

  it('a microtask loop left running after the run ended is stopped before the next run', async () => {
    const sb = sandbox({ limits: { timeoutMs: 100 } });
    const first = await sb.run('(async () => { for (;;) await null; })();\n"returned"');
    expect(first).toMatchObject({ ok: true, data: 'returned' });
    expect(await sb.run('"next"')).toMatchObject({ ok: true, data: 'next' });
  });

  it('an await that never settles ends at the wall limit, the state kept', async () => {
    const sb = sandbox({ limits: { wallMs: 150 } });
    await sb.run('const before = 1');
    const result = await sb.run('await new Promise(() => {})');
    expect(result.error).toMatchObject({ limit: 'wall' });
    expect(await sb.run('before')).toMatchObject({ ok: true, data: 1 });
  });

  it('a host call that would happen after the run ended is never made', async () => {
    let late = 0;
    // Both calls outlive their run: the first run returns at once, the second meets the wall limit.
    // The wall limit leaves a loaded machine time to make the second run's calls before it ends.
    const slow = overlapProbe(1200);
    const hang = hangingProbe();
    const sb = sandbox({
      limits: { wallMs: 500, timeoutMs: 200 },
      providers: hostProviders({ slow: slow.fn, hang: hang.fn, record: () => ++late }),
    });
    const detached = await sb.run('(async () => { await slow(1); await record(); })();\n"done"');
    expect(detached.data).toBe('done');
    const walled = await sb.run('(async () => { await slow(2); await record(); })();\nawait hang();');
    expect(walled.error).toMatchObject({ limit: 'wall' });
    const spinning = await sb.run(
      '(async () => { for (let i = 0; ; i++) { await null; if (i === 100) record(); } })();\n"spun"',
    );
    expect(spinning.data).toBe('spun');
    await until(() => slow.calls.length === 2 && slow.active === 0, 5000);
    expect(late).toBe(0);
    expect(slow.signals.every((signal) => signal.aborted)).toBe(true);
    // The next run is the barrier: the isolate takes its work in order, so whatever the settled calls
    // set going there comes before this run's own call, which is then the first call ever made.
    expect(await sb.run('await record()')).toMatchObject({ ok: true, data: 1 });
    expect(late).toBe(1);
  });
});

describe('exhaustion', () => {
  it.each([
    ['arrays', 'const a = []; for (;;) a.push(new Array(100_000).fill(Math.random()));'],
    ['strings', 'const parts = []; for (let i = 0; ; i++) parts.push("x".repeat(1_000_000) + i);'],
    ['maps', 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i, s: "v" + i });'],
  ])('a memory bomb made of %s ends at the memory limit and the sandbox recovers', async (_label, code) => {
    const sb = sandbox({ limits: { memoryMb: 16, timeoutMs: 10_000 } });
    const result = await sb.run(code);
    expect(result.error).toMatchObject({ name: 'RangeError', limit: 'memory' });
    expect(await sb.run('[1, 2].map((x) => x * 2)')).toMatchObject({
      ok: true,
      stateReset: true,
      data: [2, 4],
    });
  });

  it('a string that outgrows V8 is an ordinary RangeError', async () => {
    const sb = sandbox({ limits: { memoryMb: 64 } });
    await sb.run('const kept = 1');
    const result = await sb.run('let s = "x"; for (;;) s += s;');
    expect(result.error).toMatchObject({ name: 'RangeError', message: 'Invalid string length' });
    expect(result.error?.limit).toBeUndefined();
    expect(await sb.run('kept')).toMatchObject({ data: 1 });
  });

  it('deep recursion is a RangeError the code can catch, and the state stays', async () => {
    const sb = sandbox();
    await sb.run('const kept = 1');
    const uncaught = await sb.run('function down(n) { return down(n + 1) + 1; }\ndown(0)');
    expect(uncaught.error).toMatchObject({
      name: 'RangeError',
      message: 'Maximum call stack size exceeded',
      line: 1,
    });
    expect(uncaught.error?.limit).toBeUndefined();
    const caught = await sb.run('let r; try { down(0); } catch (e) { r = e.name; }\n[r, kept]');
    expect(caught.data).toEqual(['RangeError', 1]);
    const deepValue = await sb.run('let v = {}; for (let i = 0; i < 100_000; i++) v = { v };\nv');
    expect(deepValue.ok).toBe(true);
    expect(deepValue.value).toBe('{ v: { v: { v: [Object] } } }');
  });

  it('huge output costs the host a bounded amount', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 2_000 } });
    const seen: number[] = [];
    const result = await sb.run(
      'const line = "y".repeat(100_000);\nfor (let i = 0; i < 500; i++) console.log(line + i);\n"end"',
      {
        onLog: (entry) => seen.push(entry.text.length),
      },
    );
    expect(result).toMatchObject({ ok: true, truncated: true, data: 'end' });
    const kept = result.logs.reduce((sum, entry) => sum + entry.text.length, 0);
    expect(kept).toBeLessThanOrEqual(2_000 + 100);
    expect(result.logs.at(-1)?.text.endsWith('y499')).toBe(true);
    // What crossed the boundary at all: a few capped lines, not 50 MB.
    expect(seen.reduce((sum, length) => sum + length, 0)).toBeLessThan(20_000);
  });

  it('thousands of pending host calls stop at the pending-calls limit', async () => {
    // No call settles before the run has ended, so however slowly the machine issues them, the
    // 257th is refused while 256 are still pending (a call that settled early would free its slot).
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const probe = overlapProbe(0);
    const gated: typeof probe.fn = async (args, context) => {
      await gate;
      return probe.fn(args, context);
    };
    const sb = sandbox({ providers: hostProviders({ work: gated }) });
    const result = await sb.run('await Promise.all(Array.from({ length: 5_000 }, (_, i) => work(i)))');
    open();
    expect(result.error).toMatchObject({ limit: 'pending-calls' });
    expect(result.error?.message).toMatch(/limit 256/);
    await until(() => probe.calls.length > 0 && probe.active === 0);
    expect(probe.calls.length).toBeLessThanOrEqual(256);
    expect(await sb.run('(await work("again"))')).toMatchObject({ ok: true, data: 'again' });
  });

  it('replaced built-ins break only the code that uses them, never the reporting of results', async () => {
    const sb = sandbox({ limits: { wallMs: 2_000 } });
    const polluted = await sb.run(`
      Object.prototype.polluted = 'yes';
      JSON.stringify = () => { throw new Error('no JSON'); };
      Object.keys = null;
      Promise.prototype.then = function () { return this; };
      Promise.resolve = null;
      queueMicrotask(() => console.log('microtask ran'));
      await sleep(1);
      [1, 2]
    `);
    expect(polluted).toMatchObject({
      ok: true,
      value: '[ 1, 2 ]',
      data: [1, 2],
      logs: [{ text: 'microtask ran' }],
    });
    expect(await sb.run('({ a: 1 }).a + 1')).toMatchObject({ ok: true, data: 2 });
    const broken = await sb.run('Array.prototype.push = null;\n[3]');
    expect(broken.ok).toBe(true);
    expect(broken.value).toMatch(/^\[value could not be rendered: .*push/);
    await sb.reset();
    expect(await sb.run('[4]')).toMatchObject({ ok: true, value: '[ 4 ]' });
  });
});

describe('endurance', () => {
  it('200 hostile runs in a row leave the host’s memory bounded', async () => {
    // RSS is measured after a full GC (exposed through V8 flags) once the first 20 runs have warmed
    // the process up. Each disposed isolate returns its heap; growth beyond 96 MB over 180 more
    // hostile runs (a fresh isolate every five runs) would mean isolates or buffers leak.
    // Not in the mix: the heap bombs V8 cannot survive (a huge Map or object): isolated-vm parks such
    // an isolate's thread for good, so each costs its heap until the process ends (see README).
    const { setFlagsFromString } = await import('node:v8');
    setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const hang = hangingProbe();
    const sb = sandbox({
      limits: { memoryMb: 16, timeoutMs: 5_000, wallMs: 10_000, maxOutputChars: 2_000 },
      providers: hostProviders({ hang: hang.fn }),
    });
    // Each attack meets its limit; the CPU and wall limits are short, as meeting them is the point.
    const attacks = [
      { code: 'while (true) {}', limits: { timeoutMs: 10 }, outcome: 'cpu' },
      { code: 'const a = []; for (;;) a.push(new Array(50_000).fill(1));', limits: {}, outcome: 'memory' },
      {
        code: 'for (let i = 0; i < 2_000; i++) console.log("z".repeat(500) + i);',
        limits: {},
        outcome: 'ok',
      },
      { code: 'function r() { return r(); } r();', limits: {}, outcome: 'RangeError' },
      { code: 'await hang();', limits: { wallMs: 20 }, outcome: 'wall' },
    ];
    let baseline = 0;
    const outcomes: string[] = [];
    for (let i = 0; i < 200; i++) {
      const attack = attacks[i % attacks.length];
      if (!attack) continue;
      const result = await sb.run(attack.code, { limits: attack.limits });
      const outcome = result.error?.limit ?? result.error?.name ?? 'ok';
      if (outcome !== attack.outcome)
        outcomes.push(`run ${i}: ${outcome} (${result.error?.message}) instead of ${attack.outcome}`);
      if (i === 19) {
        gc();
        baseline = process.memoryUsage().rss;
      }
    }
    gc();
    const growth = process.memoryUsage().rss - baseline;
    expect(outcomes).toEqual([]);
    expect(growth).toBeLessThan(96 * 1024 * 1024);
    // One reset per memory bomb; a wall limit that meets the isolate still returning costs one more.
    expect(sb.stats().runs).toBe(200);
    expect(sb.stats().resets).toBeGreaterThanOrEqual(40);
    expect(await sb.run('"still alive"')).toMatchObject({ ok: true, data: 'still alive' });
    // Generous: 200 runs take ~10 s alone, and several times that on a loaded machine.
  }, 120_000);
});

describe('the host’s event loop', () => {
  const hostTimeouts = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

  it('thousands of pending timers cost the host one timer, and fire in order', async () => {
    const sb = sandbox();
    const before = hostTimeouts();
    let during = 0;
    const result = await sb.run(
      `const order = [];
      for (let i = 0; i < 5_000; i++) setTimeout(() => order.push(i), 5);
      await measure();
      await sleep(40);
      order.length === 5_000 && order.every((n, i) => n === i)`,
      {
        providers: hostProviders({
          measure: () => {
            during = hostTimeouts();
          },
        }),
      },
    );
    expect(result).toMatchObject({ ok: true, data: true });
    // The run's wall-clock timer and its one wake timer, instead of one per setTimeout.
    expect(during - before).toBeLessThanOrEqual(2);
  });

  it('microtasks run between two timer callbacks, as in Node', async () => {
    const sb = sandbox();
    const code = `const seen = [];
      await new Promise((done) => {
        setTimeout(() => { seen.push('a'); Promise.resolve().then(() => seen.push('a1')).then(() => seen.push('a2')); }, 0);
        setTimeout(() => { seen.push('b'); queueMicrotask(() => seen.push('b1')); }, 0);
        setTimeout(done, 2);
      });
      seen`;
    const expected = await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      setTimeout(() => {
        seen.push('a');
        Promise.resolve()
          .then(() => seen.push('a1'))
          .then(() => seen.push('a2'));
      }, 0);
      setTimeout(() => {
        seen.push('b');
        queueMicrotask(() => seen.push('b1'));
      }, 0);
      setTimeout(() => resolve(seen), 2);
    });
    expect((await sb.run(code)).data).toEqual(expected);
  });

  it('more pending timers than the cap is a RangeError where the code sets one, and the session goes on', async () => {
    const sb = sandbox();
    const result = await sb.run(
      'globalThis.ids = [];\nfor (let i = 0; i < 20_000; i++) ids.push(setTimeout(() => {}, 60_000));',
    );
    expect(result.error).toMatchObject({ name: 'RangeError', line: 2 });
    expect(result.error?.message).toBe(
      'Too many timers pending at once (limit 10000); clear the ones no longer needed, or await some before setting more',
    );
    expect(result.logs).toEqual([
      { level: 'warn', text: '(10000 timers still pending when the run ended were cancelled)' },
    ]);
    // The timers ended with the run: a new run may set as many again (and clear them; that they fire
    // in order is the test above).
    const again = await sb.run(
      'const more = [];\nfor (let i = 0; i < 9_999; i++) more.push(setTimeout(() => {}, 60_000));\nmore.forEach(clearTimeout);\nmore.length',
    );
    expect(again).toMatchObject({ ok: true, data: 9_999, logs: [] });
  });

  it('tool arguments of too many values are refused inside the isolate, before the host parses them', async () => {
    const seen: unknown[][] = [];
    const sb = sandbox({
      limits: { memoryMb: 256 },
      providers: hostProviders({ write: (args) => seen.push(args) }),
    });
    const refused = await sb.run(
      'const rows = Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: "row " + i }));\nawait write({ rows });',
    );
    expect(refused.error).toMatchObject({ name: 'RangeError', line: 2 });
    expect(refused.error?.message).toBe(
      'write: the arguments are too large (more than 100,000 values); pass big data as one string (CSV, or JSON.stringify of it) or in several smaller calls',
    );
    const huge = await sb.run('await write("x".repeat(17 * 1024 * 1024));');
    expect(huge.error?.message).toMatch(
      /^write: the arguments are too large \(17,825,796 characters of JSON, limit 16,777,216\)/,
    );
    expect(seen).toEqual([]);
    // The same data as one string goes through, and so does text full of commas.
    const asText = await sb.run(
      'const csv = rows.map((r) => r.id + "," + r.name).join("\\n");\nawait write({ csv, json: JSON.stringify(rows) })',
    );
    expect(asText).toMatchObject({ ok: true, data: 1 });
    expect(seen).toHaveLength(1);
  });

  it('a flood of short lines between awaits crosses to the host a bounded number of times', async () => {
    const sb = sandbox();
    let live = 0;
    const result = await sb.run(
      'for (let i = 0; i < 100_000; i++) { console.log(i); if (i % 10 === 0) await null; }\n"done"',
      { onLog: () => live++ },
    );
    expect(result).toMatchObject({ ok: true, truncated: true, data: 'done' });
    // 20 000 characters of output: the live budget (4x) counts a line as at least 32 characters,
    // and the held tail comes once at the end.
    expect(live).toBeLessThanOrEqual((4 * 20_000) / 32 + 20_000 / 5);
    expect(result.logs.at(-1)?.text).toBe('99999');
    expect(result.logs.some((entry) => /characters of output cut/.test(entry.text))).toBe(true);
  });
});

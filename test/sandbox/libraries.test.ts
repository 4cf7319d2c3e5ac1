/**
 * Libraries in the sandbox: each allowed library, used on real inputs inside the isolate, gives
 * what the same library gives in Node (the same snippet runs in both: `lib` is what `import()`
 * returned); an .xlsx written by a spreadsheet writer is read back cell for cell; an import outside
 * the allowlist is a clear error naming what is available; code without imports loads nothing.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSheet as readSheetInNode } from 'read-excel-file/node';
import { describe, expect, it, vi } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import { createLibraryProvider } from '../../src/sandbox/libraries/create-library-provider.ts';
import { createScriptCache } from '../../src/sandbox/script-cache.ts';
import type { HostFunction, SandboxProvider } from '../../src/sandbox/types.ts';
import { useSandboxes } from './helpers.ts';

const sandbox = useSandboxes();
const requireHere = createRequire(import.meta.url);
const libraries = createLibraryProvider();

/** The library provider with its `load` counted. */
function countedLibraries(): { provider: SandboxProvider; loads: string[] } {
  const loads: string[] = [];
  const load = libraries.bindings.load as HostFunction;
  return {
    loads,
    provider: {
      ...libraries,
      bindings: {
        load: (args, context) => {
          loads.push(String(args[0]));
          return load(args, context);
        },
      },
    },
  };
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (lib: unknown) => Promise<unknown>;

const CSV = [
  'region,product,units,price,note',
  'North,"Widget, large",12,3.5,"said ""hi"""',
  'South,Gadget,7,10,',
  'North,Gadget,3,10,"two',
  'lines"',
  'East,Widget,,3.5,missing units',
  ' West ,widget,5,3.50,trailing space',
].join('\r\n');

/** Snippet bodies by library: `lib` is the namespace `import()` gave; the body returns JSON data. */
const SNIPPETS: Record<string, string[]> = {
  papaparse: [
    `const Papa = lib.default;
     const parsed = Papa.parse(${JSON.stringify(CSV)}, { header: true, dynamicTyping: true, skipEmptyLines: true });
     const byRegion = {};
     for (const row of parsed.data) byRegion[row.region] = (byRegion[row.region] ?? 0) + (row.units ?? 0) * row.price;
     return { data: parsed.data, errors: parsed.errors, fields: parsed.meta.fields, byRegion, back: Papa.unparse(parsed.data) };`,
    `return lib.default.parse('a;b\\n1;"2;3"\\n', { delimiter: ';' }).data;`,
  ],
  'date-fns': [
    `const { format, addMonths, differenceInCalendarDays, parseISO, eachDayOfInterval, isWeekend, formatISO, startOfWeek } = lib;
     const start = parseISO('2024-01-30T12:00:00');
     return {
       plusMonth: format(addMonths(start, 1), 'yyyy-MM-dd HH:mm'),
       days: differenceInCalendarDays(parseISO('2024-12-25'), parseISO('2024-03-01')),
       weekends: eachDayOfInterval({ start: parseISO('2024-06-01'), end: parseISO('2024-06-30') }).filter(isWeekend).length,
       iso: formatISO(startOfWeek(parseISO('2024-06-13'), { weekStartsOn: 1 }), { representation: 'date' }),
       text: format(parseISO('2024-02-29'), "EEEE, do 'of' MMMM yyyy"),
     };`,
  ],
  'lodash-es': [
    `const _ = lib.default;
     const rows = [{ n: 'a', g: 1, v: 3 }, { n: 'b', g: 2, v: 1 }, { n: 'c', g: 1, v: 2 }, { n: 'a', g: 3, v: 9 }];
     return {
       grouped: lib.groupBy(rows, 'g'),
       sorted: _.orderBy(rows, ['g', 'v'], ['asc', 'desc']).map((r) => r.n),
       sums: _.mapValues(_.groupBy(rows, 'n'), (list) => _.sumBy(list, 'v')),
       chunks: _.chunk([1, 2, 3, 4, 5], 2),
       uniq: _.uniqBy(rows, 'n').length,
       deep: _.get({ a: [{ b: { c: 7 } }] }, 'a[0].b.c'),
       words: _.camelCase('Total units--sold'),
       template: _.template('Hello <%= name %>!')({ name: 'team' }),
     };`,
  ],
  'simple-statistics': [
    `const s = lib;
     const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
     const ys = xs.map((x, i) => 2 * x + (i % 3));
     return {
       mean: s.mean(xs), median: s.median(xs), sd: s.standardDeviation(xs), q: s.quantile(xs, [0.1, 0.5, 0.9]),
       mode: s.mode(xs), regression: s.linearRegression(xs.map((x, i) => [x, ys[i]])),
       r: s.sampleCorrelation(xs, ys), clusters: s.ckmeans(xs, 3), z: s.zScore(5, s.mean(xs), s.standardDeviation(xs)),
     };`,
  ],
  yaml: [
    `const YAML = lib.default;
     const text = 'base: &base\\n  retries: 3\\n  hosts: [a.example, b.example]\\nprod:\\n  <<: *base\\n  retries: 5\\nlist:\\n  - 1\\n  - two\\n  - { three: 3 }\\n';
     const doc = YAML.parse(text, { merge: true });
     return { doc, back: YAML.stringify(doc), docs: YAML.parseAllDocuments('a: 1\\n---\\nb: 2\\n').map((d) => d.toJSON()) };`,
  ],
  fflate: [
    `const { zipSync, unzipSync, gzipSync, gunzipSync, strToU8, strFromU8 } = lib;
     const zipped = zipSync({ 'a.txt': strToU8('hello '.repeat(100)), 'dir/b.json': strToU8('{"x":1}') }, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') });
     const files = unzipSync(zipped);
     const gz = gzipSync(strToU8('abc'.repeat(1000)), { mtime: 0 });
     return { names: Object.keys(files), a: strFromU8(files['a.txt']).length, b: strFromU8(files['dir/b.json']), zipBytes: Array.from(zipped), gz: Array.from(gz), back: strFromU8(gunzipSync(gz)).length };`,
  ],
};

const ENTRIES: Record<string, string> = {
  papaparse: 'papaparse',
  'date-fns': 'date-fns',
  'lodash-es': 'lodash-es',
  'simple-statistics': 'simple-statistics',
  yaml: 'yaml',
  fflate: 'fflate',
};

describe('libraries give what they give in Node', () => {
  for (const [name, bodies] of Object.entries(SNIPPETS)) {
    it(name, async () => {
      const sb = sandbox({ providers: [libraries] });
      // date-fns through Node's own loader (its CommonJS build, the same functions): the test
      // runner's module loader takes seconds over its 250 ES module files.
      const lib: unknown =
        name === 'date-fns' ? requireHere('date-fns') : await import(ENTRIES[name] ?? name);
      for (const body of bodies) {
        const expected = JSON.parse(JSON.stringify(await new AsyncFunction('lib', body)(lib)));
        const result = await sb.run(`const lib = await import(${JSON.stringify(name)});\n${body}`);
        expect(result.error).toBeUndefined();
        expect(result.data).toEqual(expected);
      }
    });
  }
});

describe('an .xlsx made by a spreadsheet writer', () => {
  it('is read back cell for cell', async () => {
    const header = ['Region', 'Units', 'Price', 'Shipped', 'Note'];
    const rows: (string | number | boolean | null)[][] = [
      ['North', 12, 3.5, true, 'first'],
      ['South', 7, 10, false, null],
      ['Ünïcödé ✓', -3, 0.125, true, 'quote "x" & <tag>'],
      ['Big', 1234567.891, 1e-7, false, 'line\nbreak'],
    ];
    const data = [header, ...rows].map((row) => row.map((value) => (value === null ? null : { value })));
    const bytes = await writeXlsxFile(data).toBuffer();
    const sb = sandbox({ providers: [libraries] });
    const result = await sb.run(`
      import { readSheet } from 'read-excel-file';
      const base64 = ${JSON.stringify(bytes.toString('base64'))};
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      await readSheet(bytes.buffer)`);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual([header, ...rows]);
    // And the same as the library reads it in Node.
    expect(result.data).toEqual(await readSheetInNode(bytes));
  });
});

describe('imports', () => {
  it('work as import X, import { a }, import * as, and await import()', async () => {
    const sb = sandbox({ providers: [libraries] });
    const result = await sb.run(`
      import Papa from 'papaparse';
      import { groupBy as byKey, sumBy } from 'lodash-es';
      import * as stats from 'simple-statistics';
      const YAML = (await import('yaml')).default;
      [typeof Papa.parse, Object.keys(byKey([1, 2, 3], (n) => n % 2)), sumBy([{ v: 2 }, { v: 3 }], 'v'), stats.mean([1, 2, 3]), YAML.stringify({ a: 1 })]`);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(['function', ['0', '1'], 5, 2, 'a: 1\n']);
    // Imported names persist into the next run like other top-level declarations.
    expect((await sb.run('Papa.parse("a,b").data')).data).toEqual([['a', 'b']]);
  });

  it('refuse a library outside the allowlist, listing what is available', async () => {
    const sb = sandbox({ providers: [libraries] });
    const stat = await sb.run("import fs from 'node:fs';\nfs.readFileSync('/etc/passwd')");
    expect(stat.ok).toBe(false);
    expect(stat.error).toMatchObject({ name: 'Error', line: 1 });
    expect(stat.error?.message).toMatch(
      /^Cannot import 'node:fs': it is not available in the sandbox\. Available: papaparse \(CSV parse\/unparse\), date-fns/,
    );
    expect(stat.error?.message).toContain('read-excel-file');
    const typo = await sb.run("const m = await import('papaparce');");
    expect(typo.error?.message).toMatch(/Cannot import 'papaparce': .*did you mean 'papaparse'\?/);
    const caught = await sb.run("let m; try { await import('lodash'); } catch (e) { m = e.message } m");
    expect(caught.data).toMatch(/did you mean 'lodash-es'/);
  });

  it('check the names a static import asks for, as Node does', async () => {
    const sb = sandbox({ providers: [libraries] });
    const result = await sb.run("import { formatt } from 'date-fns';");
    expect(result.error).toMatchObject({
      name: 'SyntaxError',
      message: expect.stringMatching(
        /^The requested module 'date-fns' does not provide an export named 'formatt'; did you mean format/,
      ),
    });
  });

  it('load nothing for code that imports nothing, and each library once per session', async () => {
    const { provider, loads } = countedLibraries();
    const sb = sandbox({ providers: [provider] });
    expect((await sb.run('const importLike = "import"; 1 + 1')).data).toBe(2);
    expect(loads).toEqual([]);
    await sb.run("import Papa from 'papaparse';");
    await sb.run("const again = await import('papaparse'); typeof again.default.parse");
    expect(loads).toEqual(['papaparse']);
    await sb.reset();
    await sb.run("await import('papaparse')");
    expect(loads).toEqual(['papaparse', 'papaparse']);
  });

  it('count the library against the session memory, and give it no host access', async () => {
    const sb = sandbox({ providers: [libraries] });
    await sb.run('1');
    const before = sb.stats().heapUsedBytes;
    // Kept alive from the code, the libraries' objects are the session's heap (GC may free other garbage).
    await sb.run("import _ from 'lodash-es'; import * as d from 'date-fns'; globalThis.kept = [_, d];");
    // The figure is refreshed asynchronously (a parked isolate thread must never block the host).
    await vi.waitFor(() => expect(sb.stats().heapUsedBytes).toBeGreaterThan(before + 200_000));
    const reach = await sb.run(
      "import _ from 'lodash-es';\n[typeof require, typeof process, typeof _.template('<%= typeof require %>')]",
    );
    expect(reach.data).toEqual(['undefined', 'undefined', 'function']);
  });

  it('add no globals but what the code imports (and the loader itself)', async () => {
    const sb = sandbox({ providers: [libraries] });
    const before = (await sb.run('Object.getOwnPropertyNames(globalThis)')).data as string[];
    const names = [
      'papaparse',
      'date-fns',
      'lodash-es',
      'simple-statistics',
      'yaml',
      'fflate',
      'read-excel-file',
    ];
    await sb.run(`for (const name of ${JSON.stringify(names)}) await import(name);`);
    const after = await sb.run(
      'const symbols = Object.getOwnPropertySymbols(globalThis).map(String);\n[Object.getOwnPropertyNames(globalThis), symbols]',
    );
    const [own, symbols] = after.data as [string[], string[]];
    expect(own.filter((name) => !before.includes(name))).toEqual(['symbols']);
    expect(symbols.filter((s) => s.includes('toolsmith'))).toEqual([]);
    expect(before).toContain('__toolsmith_import');
  });

  it('still import when the bundle cache cannot be written (its folder is a file)', async () => {
    const readOnly = createLibraryProvider({
      cacheDir: path.join(fileURLToPath(import.meta.url), 'not-a-folder'),
    });
    const sb = sandbox({ providers: [readOnly] });
    const result = await sb.run("import { parse } from 'yaml';\nparse('a: [1, 2]')");
    expect(result.data).toEqual({ a: [1, 2] });
  });

  it('compile a library once per process: later sessions start from the code cache', async () => {
    const cache = createScriptCache();
    for (let i = 0; i < 3; i++) {
      const sb = createSandbox({ providers: [libraries] }, cache);
      expect((await sb.run("import { parse } from 'yaml';\nparse('n: 1')")).data).toEqual({ n: 1 });
      sb.dispose();
    }
    expect(cache.stats()).toEqual({ entries: 1, rejected: 0 });
  });
});

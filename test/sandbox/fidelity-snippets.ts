/**
 * Snippets of the kind an LLM writes, run both in the sandbox and in plain Node by fidelity.test.ts.
 * Each is the body of an async function: it logs with `console` and ends with `return value`.
 *
 * Left out because the difference is inherent to the isolate, not to the port of util.inspect:
 * - the state of a settled promise (`Promise { 42 }`): V8 does not expose it to JavaScript;
 * - proxies, and the entries of Map/Set iterators and weak collections (V8 internals too);
 * - stack frames of real errors (the sandbox's code is task.js; errors below set their stack);
 * - host APIs that are not part of JavaScript (URL, TextEncoder, atob, structuredClone, fetch):
 *   the isolate has only the language's built-ins, plus console, timers and the bindings.
 */
export const SNIPPETS: Record<string, string> = {
  csv: `const csv = 'name,age,city\\nAda,36,London\\nLinus,28,Helsinki\\n"Smith, J",51,"New York"';
function parseCsv(text) {
  const [header, ...lines] = text.trim().split('\\n');
  const cols = header.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]*)"|[^,]+)/g).map((c) => c.replace(/^"|"$/g, ''));
    return Object.fromEntries(cols.map((c, i) => [c, isNaN(cells[i]) ? cells[i] : Number(cells[i])]));
  });
}
const rows = parseCsv(csv);
console.log(rows);
console.table(rows);
return rows.filter((r) => r.age > 30);`,
  intlNumber: `const n = 1234567.891;
console.log(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n));
console.log(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(n));
console.log(new Intl.NumberFormat('en-IN').format(n), (0.256).toLocaleString('en-US', { style: 'percent' }));
return new Intl.NumberFormat('en-US', { notation: 'compact' }).format(n);`,
  intlDate: `const d = new Date(Date.UTC(2024, 1, 29, 13, 45, 7));
const f = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone: 'UTC' });
console.log(f.format(d));
console.log(d.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' }));
console.log(new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-1, 'day'));
return { iso: d.toISOString(), parts: new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', weekday: 'long' }).formatToParts(d) };`,
  dates: `const start = new Date('2024-03-01T00:00:00Z');
const days = [];
for (let i = 0; i < 5; i++) days.push(new Date(start.getTime() + i * 86400000));
console.log(days);
console.log('weekday', start.getUTCDay(), 'invalid', new Date('nope'));
return { start, end: days.at(-1), diffDays: (days.at(-1) - start) / 86400000 };`,
  regex: `const text = 'Contact: ada@example.com, linus@kernel.org; bad@ x.com';
const emails = [...text.matchAll(/([\\w.]+)@([\\w.]+\\.\\w+)/g)].map((m) => ({ user: m[1], domain: m[2], index: m.index }));
console.log(emails, /a+b/gi, new RegExp('x\\\\d', 'u'));
const m = '2024-05-06'.match(/(?<y>\\d{4})-(?<m>\\d{2})-(?<d>\\d{2})/);
return m.groups;`,
  json: `const raw = '{"users":[{"id":1,"tags":["a","b"],"meta":{"deep":{"deeper":{"deepest":true}}}},{"id":2,"tags":[],"meta":null}]}';
const data = JSON.parse(raw);
console.log(data);
console.log(JSON.stringify(data, null, 2));
console.log('%j', data.users[0]);
return data;`,
  classes: `class Animal {
  #secret = 1;
  constructor(name) { this.name = name; }
  speak() { return this.name + ' makes a sound'; }
  static create(n) { return new this(n); }
}
class Dog extends Animal { constructor(name) { super(name); this.tricks = ['sit']; } }
const d = Dog.create('Rex');
console.log(d, Animal, Dog, d.speak());
console.log([new Animal('a'), new Dog('b')]);
return d;`,
  getters: `const o = { a: 1, get double() { return this.a * 2; }, set value(v) {}, get both() { return 1 }, set both(v) {} };
Object.defineProperty(o, 'hidden', { value: 42, enumerable: false });
console.log(o, o.double);
return o;`,
  generators: `function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
const out = [];
for (const x of fib()) { if (x > 100) break; out.push(x); }
console.log(out, fib, fib());
return out;`,
  asyncIteration: `async function* ticks(n) { for (let i = 0; i < n; i++) { await null; yield { i, sq: i * i }; } }
const got = [];
for await (const t of ticks(4)) got.push(t);
console.log(got, ticks);
return Promise.all([1, Promise.resolve(2), (async () => 3)()]);`,
  arrayMethods: `const nums = [5, 3, 8, 1, 9, 2];
console.log(nums.map((n) => n * 2), nums.filter((n) => n % 2), nums.find((n) => n > 5), nums.findLast((n) => n < 5));
console.log(nums.toSorted((a, b) => a - b), nums.includes(8), nums.indexOf(9), nums.flatMap((n) => [n, -n]).slice(0, 4));
console.log([[1, [2, [3, [4]]]]].flat(Infinity), Array.from({ length: 3 }, (_, i) => i ** 2));
return nums.with(0, 100);`,
  mapsSets: `const m = new Map([['a', 1], ['b', { nested: [1, 2] }]]);
m.set({ key: 'obj' }, new Set(['x', 'y']));
const s = new Set([1, 'two', [3], { four: 4 }]);
console.log(m, s, new Map(), new Set(), m.size);
console.log(new WeakMap(), new WeakSet());
return [...m.keys()];`,
  groupBy: `const sales = [
  { region: 'north', amount: 120 }, { region: 'south', amount: 80 },
  { region: 'north', amount: 45 }, { region: 'east', amount: 300 }, { region: 'south', amount: 20 },
];
const totals = sales.reduce((acc, s) => { acc[s.region] = (acc[s.region] ?? 0) + s.amount; return acc; }, {});
const grouped = Object.groupBy(sales, (s) => s.region);
console.log(totals);
console.log(grouped);
console.log(Map.groupBy(sales, (s) => s.amount > 100 ? 'big' : 'small'));
return Object.entries(totals).sort((a, b) => b[1] - a[1]);`,
  sorting: `const people = [{ n: 'Zoë', a: 30 }, { n: 'adam', a: 25 }, { n: 'Émile', a: 30 }, { n: 'bob', a: 19 }];
console.log(people.map((p) => p.n).sort());
console.log(people.map((p) => p.n).sort((a, b) => a.localeCompare(b, 'en')));
console.log(people.toSorted((x, y) => y.a - x.a || x.n.localeCompare(y.n, 'en')));
return [10, 9, 1, 100, 25].sort();`,
  padding: `const rows = [['apple', 1.5], ['banana', 12.25], ['kiwi', 100]];
for (const [name, price] of rows) console.log(name.padEnd(10, '.') + price.toFixed(2).padStart(8));
console.log('%s has %d items costing %i %f', 'cart', 3, 42.9, '1.5');
console.log('%o and %O', { a: [1, { b: 2 }] }, { a: [1, { b: { c: { d: 1 } } }] });
console.log('%c styled', 'color: red', 'extra', 5, '100%', '%%');
return 'x'.repeat(3).padStart(6, '-');`,
  nested: `const tree = { level1: { level2: { level3: { level4: { level5: 'deep' } } }, arr: [[1, [2, [3, [4]]]]] } };
console.log(tree);
console.log(JSON.stringify(tree));
console.dir(tree, { depth: 0 });
return { tree, list: [{ a: { b: { c: {} } } }] };`,
  bigNumericArray: `const xs = Array.from({ length: 30 }, (_, i) => (i * 37) % 101);
console.log(xs);
console.log(xs.map((x) => x * 1000.5));
console.log([1, 2, 3, 4, 5, 6, 7], [-1, 22, 333, 4444, 55555, 666666, 7777777]);
return xs.map(String);`,
  longArray: `const long = Array.from({ length: 250 }, (_, i) => i);
console.log(long);
console.log(Array.from({ length: 120 }, (_, i) => ({ id: i })).slice(0, 3), new Array(150).fill('ab'));
return long.map((i) => 'item' + i);`,
  quotes: `const s1 = "it's";
const s2 = 'say "hi"';
const s3 = \`both ' and "\`;
const s4 = 'all \\' " \` three';
console.log([s1, s2, s3, s4, 'tab\\there', 'nul\\x00', 'back\\\\slash', 'uni\\u00e9', 'emoji 😀']);
console.log(s1, s2);
return { s1, s2, s3, s4, 'key with space': 1, 'valid_id': 2, '3d': 3, 'ünï': 4 };`,
  multiline: `const poem = 'Roses are red,\\nviolets are blue,\\nsugar is sweet,\\nand so are you.';
console.log(poem);
console.log([poem]);
console.log({ poem, short: 'a\\nb' });
return poem + '\\n' + poem;`,
  nullProto: `const dict = Object.create(null);
dict.a = 1; dict.b = { c: 2 };
const empty = Object.create(null);
console.log(dict, empty);
const arrLike = Object.assign(Object.create(null), { length: 0 });
return [dict, arrLike];`,
  instances: `class Point { constructor(x, y) { this.x = x; this.y = y; } }
class Empty {}
class Tagged { get [Symbol.toStringTag]() { return 'Tag'; } }
function Legacy() { this.v = 1; }
console.log(new Point(1, 2), new Empty(), new Tagged(), new Legacy(), Object.create(Point.prototype));
return [new Point(0, 0), new Point(-0, 1.5)];`,
  symbols: `const s = Symbol('id');
const o = { [s]: 1, [Symbol.iterator]: null, plain: Symbol(), desc: Symbol.for('reg') };
console.log(o, s, Symbol.asyncIterator);
console.log(s.toString(), s.description);
return [s, Symbol()];`,
  bigint: `const big = 2n ** 70n;
console.log(big, [1n, -2n], { big });
console.log('%d %i %s', 10n, 11n, 12n);
return big * 3n;`,
  sparse: `const sp = [1, , 3];
sp[10] = 'ten';
const holes = new Array(5);
console.log(sp, holes, [, , 1, , ]);
const withProps = [1, 2];
withProps.extra = 'x';
return [sp, withProps];`,
  typedArrays: `const u8 = new Uint8Array([1, 2, 255]);
const f32 = new Float32Array(3);
const buf = new ArrayBuffer(4);
new DataView(buf).setInt16(0, 258);
console.log(u8, f32, buf, new Int32Array(0));
console.log(new Uint16Array(120));
return new BigInt64Array([1n, -1n]);`,
  errorsLogged: `function clean(e) { e.stack = e.stack.split('\\n')[0]; return e; }
const e1 = clean(new Error('boom'));
const e2 = clean(new TypeError('bad type'));
const e3 = clean(new Error('outer', { cause: clean(new RangeError('inner')) }));
const e4 = clean(new Error('with props'));
e4.code = 'E_CODE';
console.log(e1);
console.error(e2);
console.log({ e1 });
console.log(e3);
console.log(e4, [e2]);
class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }
console.log(clean(new MyError('custom')));
return clean(new AggregateError([clean(new Error('a'))], 'many'));`,
  cycles: `const a = { name: 'a' };
const b = { name: 'b', a };
a.b = b;
a.self = a;
const arr = [1];
arr.push(arr);
console.log(a, arr);
const m = new Map();
m.set('me', m);
return { a, m };`,
  primitives: `console.log(1, -0, 0.1 + 0.2, NaN, Infinity, -Infinity, 1e21, 1e-7, null, undefined, true);
console.log([undefined, null, -0, 0], { u: undefined, n: null });
console.log(typeof null, typeof undefined, Number.MAX_SAFE_INTEGER);
console.log(new Number(3), new String('str'), new Boolean(false), Object(1n), Object(Symbol('w')));
return [1.0, 2.5, -3];`,
  functions: `function named(a, b) {}
const arrow = () => 1;
const anon = [function () {}][0];
async function af() {}
async function* agf() {}
function* gf() {}
const bound = named.bind(null);
console.log(named, arrow, anon, af, agf, gf, bound, Math.max, class {}, class Foo extends Array {});
named.extra = 1;
console.log(named, { fn: arrow });
return [Math, JSON, globalThis.Reflect === Reflect];`,
  promises: `const p1 = Promise.resolve(42);
const p2 = Promise.reject(new Error('no')).catch(() => 'caught');
const pending = new Promise(() => {});
await p2;
// A settled promise shows as pending: the isolate cannot read a promise's state (inherent).
console.log(pending, await p2);
return { p1: await p1 };`,
  consoleMisc: `console.info('info', 1);
console.warn('warn', { w: 1 });
console.debug('debug');
console.group('Group A');
console.log('inside');
console.group();
console.log({ deeper: [1, 2] });
console.groupEnd();
console.groupEnd();
console.log('outside');
console.assert(1 === 2, 'math is %s', 'broken');
console.assert(true, 'never');
console.count(); console.count(); console.count('x'); console.countReset(); console.count();
console.log();
console.log('');
console.log('%s', 'only', 'more');
console.log('100%', 5);
return null;`,
  tables: `console.table([{ a: 1, b: 'x' }, { a: 2, c: true }]);
console.table({ r1: { v: 1 }, r2: { v: 2, w: [1, 2] } });
console.table([1, 'two', { three: 3 }]);
console.table(new Map([['k', 1], ['j', { z: 1 }]]));
console.table(new Set(['s', 't']));
console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }], ['a']);
console.table([[1, 2], [3, 4, 5]]);
console.table('not tabular');
return undefined;`,
  longStrings: `const long = 'lorem ipsum dolor sit amet '.repeat(20);
console.log({ long });
console.log(['short', long.slice(0, 90)]);
const obj = {};
for (let i = 0; i < 30; i++) obj['key' + i] = i * 1.5;
console.log(obj);
return 'x'.repeat(10010);`,
  fakeStacks: `const e = new Error('with frames');
e.stack = 'Error: with frames\\n    at one (file.js:1:2)\\n    at two (file.js:3:4)';
const c = new Error('cause');
c.stack = 'Error: cause\\n    at a (f.js:1:1)\\n    at b (f.js:2:2)\\n    at c (f.js:3:3)\\n    at d (f.js:4:4)\\n    at e (f.js:5:5)';
const w = new Error('wrapper', { cause: c });
w.stack = 'Error: wrapper\\n    at z (f.js:9:9)\\n    at b (f.js:2:2)\\n    at c (f.js:3:3)\\n    at d (f.js:4:4)\\n    at e (f.js:5:5)';
console.log(e);
console.log({ nested: { e } });
console.log(w);
const noName = new Error('nn'); noName.stack = 'weird stack'; console.log(noName);
class E2 extends Error {}; const x = new E2('sub'); x.stack = 'Error: sub'; console.log(x);
const nul = Object.setPrototypeOf(new Error('np'), null); nul.stack = 'Error: np'; console.log(nul);
return [e];`,
  percentO: `console.log('%o', { a: [1, 2], f: function foo() {} });
console.log('%o', [[1, [2, [3, [4, [5]]]]]]);
console.log('%o', 'str', 42);
console.log('%O', { deep: { deeper: { deepest: { bottom: 1 } } } });
return null;`,
  dirOptions: `const o = { a: { b: { c: { d: { e: 1 } } } }, arr: Array.from({ length: 10 }, (_, i) => i) };
console.dir(o, { depth: null });
console.dir(o, { depth: 0 });
console.dir(o, { maxArrayLength: 2, breakLength: 40 });
console.dir(o, { compact: false });
console.dir(o, { compact: true, depth: 5 });
console.dir({ b: 2, a: 1, c: [3, 1, 2] }, { sorted: true });
console.dir({ get g() { return { x: 1 }; }, get p() { return 5; }, get n() { return null; } }, { getters: true });
console.dir(1234567.891, { numericSeparator: true });
console.dir({ s: 'x'.repeat(30) }, { maxStringLength: 10 });
console.dir({ a: 1 }, { showHidden: true });
return null;`,
  customInspect: `const tag = Symbol.for('nodejs.util.inspect.custom');
class Money { constructor(v) { this.v = v; } [tag](depth, opts) { return 'Money<' + this.v + '>'; } }
class Wrapped { [tag]() { return { wrapped: true }; } }
console.log(new Money(5), [new Money(1)], { m: new Money(2) }, new Wrapped());
return new Money(9);`,
  showHiddenObjects: `class A { constructor() { this.x = 1; } get y() { return 2; } }
const o = Object.defineProperty({ vis: 1 }, 'hid', { value: 2, enumerable: false });
console.log('%o', new A());
console.log('%o', o);
console.log('%o', new Map([[1, { a: 1 }]]));
console.log('%o', new Uint8Array(2));
return null;`,
  objectShapes: `console.log(Object.create(Object.create(null)), Object.create(Array.prototype), Object.create({}, { x: { value: 1, enumerable: true } }));
console.log((function () { return arguments; })(1, 'a'));
console.log({ [Symbol.toStringTag]: 'Own', a: 1 }, Object.defineProperty({ a: 1 }, Symbol.toStringTag, { value: 'Hidden' }));
console.log(new (class Foo extends Map {})([[1, 2]]), new (class Bar extends Array {})(3).fill(0), new (class S extends Set {})());
console.log(new (class D extends Date {})(0), Object.assign(/re/g, { extra: 1 }), Object.assign(new Date(0), { extra: 1 }), new Date(NaN));
console.log(Object.assign(() => {}, { a: 1 }), class A { static x = 1; }, class B extends (class {}) {}, Object.setPrototypeOf(function g() {}, null));
console.log({ 'a-b': 1, "it's": 2, '': 3, 0: 4, '01': 5, __proto__x: 6, ['__proto__']: 7 });
console.log([1.5, -2, 3, 4, 5, 6, 7, 8, 'x'], ['日本語日本語', '日本', 'a', 'b', 'c', 'd', 'e', 'f']);
console.log(Object(Symbol('s')), Object(1n), Object.assign(new String('ab'), { x: 1 }), new (class N extends Number {})(3));
console.log(new WeakMap(), new WeakSet(), new DataView(new ArrayBuffer(2), 1), Object.assign(new ArrayBuffer(1), { x: 1 }));
console.log([undefined, , null], { undef: undefined }, [function () {}, () => {}], new Array(3).fill({}));
console.log('\\x7f\\x85', ['\\ud800', 'a\\u0301', 'tab\\t'], { 'key\\n': 1, [Symbol('sym\\n')]: 2 });
console.log(Math, JSON, Reflect, Intl, globalThis.Atomics === undefined ? 'no atomics' : Atomics);
return [new Boolean(true), new Number(-0), new String('')];`,
  depthLimits: `const deep = { l1: { l2: { l3: { l4: 'x' } }, arr: [[[['deep']]]], m: new Map([[1, { a: { b: { c: 1 } } }]]), s: new Set([[1, [2, [3]]]]) } };
console.log(deep);
console.log([deep]);
console.log(Object.create(null, { a: { value: { b: { c: { d: {} } } }, enumerable: true } }));
class P { constructor() { this.child = { inner: { innermost: new P2() } }; } }
class P2 { constructor() { this.v = 1; } }
console.log(new P());
return deep;`,
  wideArrays: `console.log(Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 5 + 1)));
console.log(Array.from({ length: 12 }, (_, i) => i % 2 ? { i } : i));
console.log(Array.from({ length: 8 }, (_, i) => -i * 1.25));
console.log(Array.from({ length: 101 }, (_, i) => i));
console.log([1n, 22n, 333n, 4444n, 55555n, 666666n, 7777777n]);
console.log(Array.from({ length: 7 }, () => 'a'.repeat(30)));
console.log({ nested: { list: Array.from({ length: 20 }, (_, i) => i * 100) } });
return Array.from({ length: 16 }, (_, i) => 2 ** i);`,
  formatEdge: `console.log('%s', null, undefined, '%s');
console.log('%s %s', { toString() { return 'custom'; } }, new (class T { toString() { return 'T!'; } })());
console.log('%s', [1, [2, [3]]], new Date(0), new Error('e').message, Symbol('q'), 12n, -0);
console.log('%d %d %d %d', '42abc', {}, 1.5, -0);
console.log('%i %f %f', '3.9px', '2.5e3', 'x');
console.log('%j %j', { a: [1] }, undefined);
const c = {}; c.c = c;
console.log('%j', c);
console.log('%c%s', 'color: red', 'after css');
console.log('%%s %s', 'one');
console.log('%', '%z', 'a%');
console.log('trailing %s');
console.log(5, '%s', 'x');
return null;`,
  consoleVariants: `console.table([{ a: '日本語', b: 'x'.repeat(90) }, { a: 'é', b: [1, 2, 3, 4, 5] }, { a: { x: 1, y: 2, z: 3 }, b: new Map([[1, 2]]) }]);
console.table([[1, { a: { b: 1 } }]]);
console.table({ a: 1, b: 'two' });
console.table([]);
console.table([{}, {}]);
console.table([null, undefined]);
console.table(new Uint8Array([1, 2]));
console.table([{ long: 'y'.repeat(100) }]);
console.assert(false, { a: 1 }, 2);
console.assert(false);
console.assert(0, 'zero %d', 5);
console.count('a'); console.count('a'); console.countReset('a'); console.count('a');
console.group('G1', { g: 1 });
console.group('G2');
console.table([{ x: 1 }]);
console.error(new Map([[1, 2]]));
console.groupEnd();
console.dir({ in: 'group' });
console.groupEnd();
console.groupEnd();
console.log('no indent');
console.dirxml({ d: 1 }, [2]);
return null;`,
  strings: `const s = 'line1\\nline2\\n' + 'x'.repeat(80);
console.log([s], { s });
console.log(['a\\nb'], 'a\\nb');
console.log({ k: 'ab'.repeat(40) });
console.log('x'.repeat(10001).length, ['y'.repeat(10005)].map((v) => v.length));
return ['z'.repeat(10002)];`,
};

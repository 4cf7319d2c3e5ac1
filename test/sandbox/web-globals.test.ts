/**
 * The web-platform globals the sandbox adds to V8, checked against Node's own (the same Node 24
 * that runs this test): each snippet runs in the sandbox and here, as an async function body that
 * uses only globals, and the results must be equal.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';

const sb = createSandbox();
afterAll(() => sb.dispose());

async function inSandbox(code: string): Promise<unknown> {
  const result = await sb.run(code);
  if (!result.ok) throw new Error(`${result.error?.name}: ${result.error?.message}`);
  return result.data;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  code: string,
) => () => Promise<unknown>;

/** Runs `code` in the sandbox and in Node; both must return the same (JSON) data. */
async function same(code: string): Promise<unknown> {
  const expected = JSON.parse(JSON.stringify(await new AsyncFunction(code)()));
  expect(await inSandbox(code)).toEqual(expected);
  return expected;
}

const TEXTS = [
  '',
  'a',
  'ab',
  'abc',
  'hello, world',
  'é ü ß',
  '€ 😀 𝄞',
  'line\nbreak\t\0end',
  'x'.repeat(1000),
];

describe('web globals in the sandbox, the same as Node', () => {
  it.each(TEXTS)('TextEncoder/TextDecoder round-trip %j with the same bytes', async (text) => {
    const bytes = await inSandbox(`[...new TextEncoder().encode(${JSON.stringify(text)})]`);
    expect(bytes).toEqual([...new TextEncoder().encode(text)]);
    expect(await inSandbox(`new TextDecoder().decode(new Uint8Array(${JSON.stringify(bytes)}))`)).toBe(text);
  });

  it('decodes invalid UTF-8 with replacement characters, or throws when fatal', async () => {
    const bytes = [0xff, 0x41, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xc0, 0xaf];
    expect(await inSandbox(`new TextDecoder().decode(new Uint8Array(${JSON.stringify(bytes)}))`)).toBe(
      new TextDecoder().decode(new Uint8Array(bytes)),
    );
    expect(
      await inSandbox(
        `try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { return e.name }`,
      ),
    ).toBe('TypeError');
  });

  it.each(TEXTS.filter((text) => [...text].every((c) => c.charCodeAt(0) < 256)))(
    'btoa/atob %j as Node does',
    async (text) => {
      const encoded = await inSandbox(`btoa(${JSON.stringify(text)})`);
      expect(encoded).toBe(btoa(text));
      expect(await inSandbox(`atob(${JSON.stringify(encoded)})`)).toBe(text);
    },
  );

  it('refuses what Node refuses', async () => {
    expect(await inSandbox(`try { btoa('€') } catch (e) { return e.name }`)).toBe('InvalidCharacterError');
    expect(await inSandbox(`try { atob('a') } catch (e) { return e.name }`)).toBe('InvalidCharacterError');
    expect(await inSandbox(`atob(' aGVs\\nbG8= ')`)).toBe(atob(' aGVs\nbG8= '));
    expect(await inSandbox(`atob('aGVsbG8')`)).toBe(atob('aGVsbG8'));
  });

  it('structuredClone copies deeply, keeps cycles and built-in types, refuses functions', async () => {
    const result = await inSandbox(`
      const source = { d: new Date(5), r: /x/gi, m: new Map([['k', { n: [1, 2] }]]), s: new Set([1, 2]), bytes: new Uint8Array([1, 2, 3]) };
      source.self = source;
      const copy = structuredClone(source);
      source.m.get('k').n.push(3);
      let refused;
      try { structuredClone({ f() {} }); } catch (e) { refused = e.name; }
      return [copy !== source, copy.self === copy, copy.d instanceof Date && copy.d.getTime(), copy.r.flags, copy.m.get('k').n, [...copy.s], [...copy.bytes], refused];
    `);
    expect(result).toEqual([true, true, 5, 'gi', [1, 2], [1, 2], [1, 2, 3], 'DataCloneError']);
  });
});

const URLS: [string, string?][] = [
  ['https://user:pa%20ss@EXAMPLE.com:443/a/./b/../c?q=1&r=%zz#frag ment'],
  ['http://example.com:80/'],
  ['HTTP://Example.COM:8080/%7Efoo/bar baz?x=a b#c d'],
  ['../up/file.txt?x', 'https://example.com/a/b/c'],
  ['//other.org/path', 'https://example.com/a'],
  ['?only=query', 'https://example.com/a/b'],
  ['#hash', 'https://example.com/a?b'],
  ['http://0x7f.1/'],
  ['http://127.0.0.1.:8080/'],
  ['http://[0:0:0:0:0:0:0:1]/'],
  ['http://[2001:db8::8a2e:370:7334]:3000/x'],
  ['http://[::ffff:192.168.0.1]/'],
  ['http://bücher.de/straße'],
  ['https://ＥＸＡＭＰＬＥ．com/'],
  ['https://xn--bcher-kva.de/'],
  ['http://exa mple.com/'],
  ['http://[::1/'],
  ['http://256.0.0.1/'],
  ['https://example.com:65536/'],
  ['not a url'],
  ['file:///C:/Users/me/file.txt'],
  ['file://host/share/x'],
  ['mailto:someone@example.com?subject=hi'],
  ['data:text/plain;base64,SGVsbG8='],
  ['javascript:alert(1)'],
  ['blob:https://example.com/uuid'],
  ['http:\\\\example.com\\a\\b'],
  ['https://example.com/😀?q=😀#😀'],
  ['ws://example.com:80/chat'],
  ['https://example.com/a%2fb%2Fc'],
  ['  https://example.com/trim  '],
  ['https://@example.com/'],
  ['https://a:@example.com/'],
  ['non-special://host:1/p?q#f'],
  ['sc://ñ.test/'],
  ['https://example.com/?a=1&a=2&b=%E2%82%AC&c=+d'],
];

describe('URL and URLSearchParams, the same as Node', () => {
  it('parses a corpus of URLs (relative, IP hosts, IDNA, percent-encoding, special schemes, invalid) as Node does', async () => {
    const code = `const fields = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
      return ${JSON.stringify(URLS)}.map(([input, base]) => {
        let url;
        try { url = base === undefined ? new URL(input) : new URL(input, base); }
        catch (error) { return { error: error.name, canParse: URL.canParse(input, base) }; }
        const out = Object.fromEntries(fields.map((field) => [field, url[field]]));
        out.params = [...url.searchParams];
        out.json = url.toJSON();
        out.canParse = URL.canParse(input, base);
        return out;
      });`;
    const results = (await same(code)) as unknown[];
    expect(results).toHaveLength(URLS.length);
    expect(JSON.stringify(results)).toContain('xn--bcher-kva.de');
  });

  it('changes parts through the setters as Node does', async () => {
    await same(`const url = new URL('https://example.com/a?b=1#c');
      const seen = [];
      for (const [field, value] of [['pathname', '/x y/z'], ['search', 'q=a b&r=€'], ['hash', 'h h'], ['host', 'other.org:8443'],
          ['port', '443'], ['protocol', 'http'], ['port', 'abc'], ['username', 'me@you'], ['password', 'p:w'], ['hostname', 'BÜCHER.de'], ['protocol', 'mailto']]) {
        url[field] = value;
        seen.push(url.href);
      }
      url.searchParams.append('added', '1 2');
      seen.push(url.href, url.search);
      return seen;`);
  });

  it('URLSearchParams reads, edits, sorts and serializes as Node does', async () => {
    await same(`const out = [];
      const p = new URLSearchParams('?a=1&b=%20x+y&a=3&c&=empty&d=%F0%9F%98%80&e=%zz');
      out.push([...p], p.get('a'), p.getAll('a'), p.has('c'), p.has('a', '3'), p.size, p.toString());
      p.append('z', 'é&=?'); p.set('a', 'one'); p.delete('b'); p.delete('c', 'x'); p.sort();
      out.push([...p.keys()], [...p.values()], p.toString());
      out.push(new URLSearchParams({ x: '1', y: 'two words' }).toString());
      out.push(new URLSearchParams([['k', 'v'], ['k', 'w']]).toString());
      out.push(new URLSearchParams(new Map([['m', 'n']])).toString());
      const each = []; new URLSearchParams('q=1&r=2').forEach((v, k) => each.push(k + '=' + v));
      out.push(each);
      try { new URLSearchParams([['only-one']]); } catch (e) { out.push(e.name); }
      return out;`);
  });
});

describe('TextDecoder: latin1 (windows-1252) and utf-16le, the same as Node', () => {
  const every = Array.from({ length: 256 }, (_, i) => i);

  it.each(['latin1', 'iso-8859-1', 'ascii', 'windows-1252', 'cp1252', 'l1', 'us-ascii'])(
    '%s decodes all 256 bytes as windows-1252',
    async (label) => {
      await same(
        `const d = new TextDecoder(${JSON.stringify(label)});\nreturn [d.encoding, d.decode(new Uint8Array(${JSON.stringify(every)}))];`,
      );
    },
  );

  it.each(['utf-16le', 'utf-16', 'ucs-2', 'unicode'])(
    '%s decodes pairs, surrogates and a BOM',
    async (label) => {
      const inputs = [
        [0xff, 0xfe, 0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0xe9, 0x00],
        [0x41, 0x00, 0x00, 0xd8, 0x42, 0x00],
        [0x00, 0xdc, 0x41, 0x00],
        [0x41, 0x00, 0x3d, 0xd8],
        [0x41, 0x00, 0x42],
        [],
      ];
      await same(`const d = new TextDecoder(${JSON.stringify(label)});
      const keep = new TextDecoder(${JSON.stringify(label)}, { ignoreBOM: true });
      return [d.encoding, ...${JSON.stringify(inputs)}.map((b) => [d.decode(new Uint8Array(b)), keep.decode(new Uint8Array(b))])];`);
    },
  );

  it('fatal decoders throw the same TypeError, and unknown labels the same RangeError', async () => {
    await same(`const out = [];
      for (const [label, bytes] of [['utf-16le', [0x00, 0xd8]], ['utf-16le', [0x41]], ['utf-8', [0xff]], ['utf-8', [0xe2, 0x82]]]) {
        try { new TextDecoder(label, { fatal: true }).decode(new Uint8Array(bytes)); out.push('no error'); }
        catch (e) { out.push([e.name, e.message]); }
      }
      try { new TextDecoder('klingon'); } catch (e) { out.push([e.name, e.message]); }
      const d = new TextDecoder('latin1', { fatal: true });
      out.push([d.fatal, d.ignoreBOM, d.decode(new Uint8Array([0x81, 0x9d]))]);
      return out;`);
  });

  it.each(['utf-8', 'utf-16le', 'latin1'])(
    '%s decodes in chunks (stream: true) as in one piece',
    async (label) => {
      const text = 'Grüße, 😀 € 𝄞 — fin';
      await same(`const label = ${JSON.stringify(label)};
      const bytes = label === 'utf-16le'
        ? new Uint8Array([0xff, 0xfe, ...Array.from(${JSON.stringify(text)}).flatMap((c) => { const out = []; for (let i = 0; i < c.length; i++) { const u = c.charCodeAt(i); out.push(u & 255, u >> 8); } return out; })])
        : label === 'utf-8' ? new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(${JSON.stringify(text)})])
        : new Uint8Array(Array.from({ length: 40 }, (_, i) => 120 + i * 3));
      const out = [];
      for (let size = 1; size <= 5; size++) {
        const d = new TextDecoder(label);
        let text = '';
        for (let i = 0; i < bytes.length; i += size) text += d.decode(bytes.subarray(i, i + size), { stream: true });
        text += d.decode();
        out.push(text);
      }
      out.push(new TextDecoder(label).decode(bytes));
      return out;`);
    },
  );
});

describe('crypto', () => {
  const TEXTS_TO_HASH = [
    '',
    'abc',
    'The quick brown fox jumps over the lazy dog',
    'é😀',
    'x'.repeat(200_000),
  ];

  it.each(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'])(
    'subtle.digest(%s) gives node:crypto’s hash',
    async (algorithm) => {
      const hashes = (await inSandbox(`const out = [];
      for (const text of ${JSON.stringify(TEXTS_TO_HASH)}) {
        const digest = await crypto.subtle.digest(${JSON.stringify(algorithm)}, new TextEncoder().encode(text));
        out.push(Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''));
      }
      const view = new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 5);
      const fromView = await crypto.subtle.digest({ name: ${JSON.stringify(algorithm.toLowerCase())} }, view);
      out.push(Array.from(new Uint8Array(fromView), (b) => b.toString(16).padStart(2, '0')).join(''));
      return out;`)) as string[];
      const nodeName = algorithm.replace('-', '').toLowerCase();
      expect(hashes).toEqual([
        ...TEXTS_TO_HASH.map((text) => createHash(nodeName).update(text, 'utf8').digest('hex')),
        createHash(nodeName)
          .update(Buffer.from([2, 3, 4]))
          .digest('hex'),
      ]);
    },
  );

  it('refuses what Node refuses, with the same error names', async () => {
    await same(`const out = [];
      await crypto.subtle.digest('MD5', new Uint8Array(1)).catch((e) => out.push([e.name, e.message, e.code, e instanceof DOMException, e instanceof Error]));
      await crypto.subtle.digest('SHA-256', 'text').catch((e) => out.push(e.name));
      try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { out.push([e.name, e.message, e.code]); }
      try { crypto.getRandomValues(new Uint8Array(65_537)); } catch (e) { out.push([e.name, e.message, e.code]); }
      return out;`);
  });

  it('getRandomValues and randomUUID draw from the host’s CSPRNG: well-formed, unbiased enough, never repeated', async () => {
    const result = (await inSandbox(`const uuids = Array.from({ length: 2000 }, () => crypto.randomUUID());
      const big = crypto.getRandomValues(new Uint8Array(65_536));
      const counts = new Array(256).fill(0); for (const b of big) counts[b]++;
      const words = crypto.getRandomValues(new BigUint64Array(4));
      const same = crypto.getRandomValues(new Uint32Array(8));
      return { uuids, min: Math.min(...counts), max: Math.max(...counts), words: [...words].map(String), returned: same.length }`)) as {
      uuids: string[];
      min: number;
      max: number;
      words: string[];
      returned: number;
    };
    expect(
      result.uuids.every((uuid) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid),
      ),
    ).toBe(true);
    expect(new Set(result.uuids).size).toBe(2000);
    // 65 536 bytes, 256 values: 256 each on average; a fair source stays far inside 150..370.
    expect(result.min).toBeGreaterThan(150);
    expect(result.max).toBeLessThan(370);
    expect(new Set(result.words).size).toBe(4);
    expect(result.returned).toBe(8);
    // Two sessions do not share a sequence (the snapshot they start from holds no random state).
    const other = createSandbox();
    const theirs = await other.run('crypto.randomUUID()');
    other.dispose();
    expect(result.uuids).not.toContain(theirs.data);
  });
});

describe('performance, AbortController, events', () => {
  it('performance.now() counts from the session’s start, never goes back, and agrees with timeOrigin', async () => {
    const fresh = createSandbox();
    const result = await fresh.run(`const first = performance.now();
      const seen = []; for (let i = 0; i < 1000; i++) seen.push(performance.now());
      await sleep(30);
      const later = performance.now();
      return { first, monotonic: seen.every((t, i) => i === 0 || t >= seen[i - 1]), waited: later - first, origin: Math.abs(performance.timeOrigin + later - Date.now()) }`);
    fresh.dispose();
    const data = result.data as { first: number; monotonic: boolean; waited: number; origin: number };
    expect(data.first).toBeGreaterThanOrEqual(0);
    expect(data.first).toBeLessThan(5_000);
    expect(data.monotonic).toBe(true);
    expect(data.waited).toBeGreaterThanOrEqual(29);
    // Within a few ms: Date.now() is whole milliseconds, and the monotonic clock performance.now()
    // follows can drift from the wall clock by a millisecond or two on a loaded VM (3 ms was seen).
    expect(data.origin).toBeLessThanOrEqual(10);
  });

  it('AbortController, AbortSignal and EventTarget behave as in Node', async () => {
    await same(`const out = [];
      const controller = new AbortController();
      const { signal } = controller;
      signal.onabort = (e) => out.push(['onabort', e.type, e.target === signal]);
      signal.addEventListener('abort', () => out.push('listener'), { once: true });
      signal.addEventListener('abort', { handleEvent: (e) => out.push(['object', e.isTrusted]) });
      out.push([signal.aborted, signal.reason]);
      controller.abort();
      controller.abort('again');
      out.push([signal.aborted, signal.reason.name, signal.reason.message, signal.reason.code, String(signal.reason), Object.prototype.toString.call(signal.reason)]);
      try { signal.throwIfAborted(); } catch (e) { out.push(['thrown', e === signal.reason]); }
      const custom = new AbortController(); custom.abort(new Error('why')); out.push(custom.signal.reason.message);
      out.push(AbortSignal.abort('r').reason);
      const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort('first')]); out.push([any.aborted, any.reason]);
      const timed = AbortSignal.timeout(5);
      await new Promise((resolve) => timed.addEventListener('abort', resolve));
      out.push([timed.reason.name, timed.reason.message, timed.reason.code]);
      try { new AbortSignal(); } catch (e) { out.push([e.name, e.message]); }
      try { AbortSignal.timeout(-1); } catch (e) { out.push(e.name); }
      const target = new EventTarget();
      const handler = (e) => out.push(['event', e.type, e.cancelable, e.defaultPrevented]);
      target.addEventListener('ping', handler);
      target.addEventListener('ping', handler);
      target.addEventListener('ping', (e) => e.preventDefault());
      out.push(target.dispatchEvent(new Event('ping', { cancelable: true })));
      target.removeEventListener('ping', handler);
      out.push(target.dispatchEvent(new Event('ping')));
      const gone = new AbortController();
      target.addEventListener('pong', () => out.push('never'), { signal: gone.signal });
      gone.abort();
      target.dispatchEvent(new Event('pong'));
      const dom = new DOMException('msg', 'NotFoundError');
      out.push([dom.name, dom.message, dom.code, dom instanceof Error, DOMException.NOT_FOUND_ERR, DOMException.ABORT_ERR]);
      return out;`);
  });

  it('btoa, atob and structuredClone throw DOMExceptions, as Node does', async () => {
    await same(`const out = [];
      for (const fn of [() => btoa('€'), () => atob('a'), () => structuredClone(() => 1)]) {
        try { fn(); } catch (e) { out.push([e.name, e.code, e instanceof DOMException]); }
      }
      return out;`);
  });
});

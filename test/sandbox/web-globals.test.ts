import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';

const sb = createSandbox();
afterAll(() => sb.dispose());

async function inSandbox(code: string): Promise<unknown> {
  const result = await sb.run(code);
  if (!result.ok) throw new Error(`${result.error?.name}: ${result.error?.message}`);
  return result.data;
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

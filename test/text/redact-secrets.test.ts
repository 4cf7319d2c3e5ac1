/** The secret redactor: every form of every secret, in strings and JSON-like data, and nothing else. */
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../src/text/redact-secrets.ts';

const KEY = 'sk-ant-api03-Canary_0123456789abcdefXYZ';
const TOKEN = 'MTIzNDU2Nzg5MDEy.GhIjKl.a/b+c=d?e&f';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('createRedactor', () => {
  const redactor = createRedactor([KEY, TOKEN, undefined, '', 'short']);

  it('replaces a secret as written, however often', () => {
    expect(redactor.redact(`key=${KEY}; again ${KEY}`)).toBe(`key=${REDACTED}; again ${REDACTED}`);
  });

  it('replaces its URL-encoded, base64 and base64url forms', () => {
    for (const form of [encodeURIComponent(TOKEN), b64(KEY), b64url(KEY), b64(TOKEN), b64url(TOKEN)]) {
      const out = redactor.redact(`before ${form} after`);
      expect(out, form).toContain(REDACTED);
      expect(out).not.toContain(form);
    }
  });

  it('finds the base64 of a secret inside a longer encoded text, at any alignment', () => {
    for (const prefix of ['', 'x', 'xy', 'Bearer ', 'ANTHROPIC_API_KEY=', 'user:']) {
      const encoded = b64(`${prefix}${KEY}\nOTHER=1`);
      const out = redactor.redact(encoded);
      expect(out, prefix).toContain(REDACTED);
      // What is left cannot be decoded back to the key.
      expect(Buffer.from(out.replaceAll(REDACTED, ''), 'base64').toString('latin1')).not.toContain(
        KEY.slice(4, 20),
      );
    }
  });

  it('leaves text without secrets alone (the same string), and ignores short secrets', () => {
    const text = 'nothing short here: short, sk-ant, Bearer';
    expect(redactor.redact(text)).toBe(text);
    expect(createRedactor([]).redact(KEY)).toBe(KEY);
    expect(createRedactor(['1234567']).redact('1234567')).toBe('1234567');
  });

  it('redacts every string of JSON-like data, keys too, and leaves other objects as they are', () => {
    const buffer = Buffer.from(KEY);
    const cyclic: Record<string, unknown> = { note: KEY };
    cyclic.self = cyclic;
    const value = {
      messages: [{ role: 'user', content: [{ type: 'text', text: `printed ${KEY}` }] }],
      [KEY]: 1,
      n: 3,
      ok: true,
      none: null,
      buffer,
      cyclic,
    };
    const out = redactor.redactDeep(value);
    expect(out.messages[0]?.content[0]?.text).toBe(`printed ${REDACTED}`);
    expect(Object.keys(out)).toContain(REDACTED);
    expect(out).toMatchObject({ n: 3, ok: true, none: null });
    expect(out.buffer).toBe(buffer);
    expect((out.cyclic as Record<string, unknown>).note).toBe(REDACTED);
    expect((out.cyclic as Record<string, unknown>).self).toBe(out.cyclic);
    expect(value.messages[0]?.content[0]?.text).toBe(`printed ${KEY}`); // the input is not changed
  });

  it('handles a 1 MB string with secrets scattered in it', () => {
    const chunk = 'lorem ipsum dolor sit amet '.repeat(1000);
    const parts = Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? `${chunk}${b64(`x${KEY}`)}` : chunk));
    const big = parts.join(KEY);
    expect(big.length).toBeGreaterThan(1_000_000);
    const out = redactor.redact(big);
    expect(out).not.toContain(KEY);
    expect(out.split(REDACTED)).toHaveLength(39 + 4 + 1);
  });
});

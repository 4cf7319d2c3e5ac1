import { describe, expect, it } from 'vitest';
import { errorMessageOf, maxJsonChars, unwrapResult } from '../../src/tools/unwrap-result.ts';

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

describe('maxJsonChars', () => {
  it('bounds the serialized size of a single text part, even where parsing makes it grow', () => {
    const texts = [
      '1e20',
      '[1e20,1e20,-1e20]',
      '"\ud800"',
      '\ud800\udfff\ud800',
      'plain text',
      '{"a":"\\u00e9"}',
      '',
      ' ',
    ];
    for (const t of texts) {
      const chars = JSON.stringify(unwrapResult(text(t)))?.length ?? 0;
      expect(chars, t).toBeLessThanOrEqual(maxJsonChars(text(t)));
    }
  });

  it('gives no bound when only serializing would tell', () => {
    expect(maxJsonChars({ content: [], structuredContent: { a: 1 } })).toBe(Number.POSITIVE_INFINITY);
    expect(maxJsonChars({ content: [...text('a').content, ...text('b').content] })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(maxJsonChars({ content: [] })).toBe(4);
  });
});

describe('errorMessageOf', () => {
  it('keeps the head and the tail of a long error within its budget (the one clip helper)', () => {
    const long = `first line\n${'x'.repeat(10_000)}\nlast line: the real cause`;
    const message = errorMessageOf({ content: [{ type: 'text', text: long }], isError: true }, 4000);
    expect(message.length).toBeLessThanOrEqual(4000);
    expect(message.startsWith('first line\n')).toBe(true);
    expect(message.endsWith('last line: the real cause')).toBe(true);
    expect(message).toMatch(/characters cut/);
  });
});

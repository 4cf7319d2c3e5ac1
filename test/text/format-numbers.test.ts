import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount } from '../../src/text/format-numbers.ts';

describe('formatCount', () => {
  it('groups thousands exactly as toLocaleString("en-US") does', () => {
    const values = [
      0,
      7,
      42,
      999,
      1000,
      1001,
      12_345,
      999_999,
      1_000_000,
      1_234_567_890,
      Number.MAX_SAFE_INTEGER,
    ];
    for (let n = 1; n < 1e15; n = n * 7 + 3) values.push(n);
    for (const value of [...values, ...values.map((v) => -v)])
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('leaves fractions and the unsafe to toLocaleString', () => {
    for (const value of [1234.5678, -0.5, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY])
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
  });
});

describe('formatBytes', () => {
  it('names the unit a person reads', () => {
    expect([512, 1536, 2 * 1024 ** 2, 1024 ** 3].map(formatBytes)).toEqual([
      '512 B',
      '1.5 KB',
      '2.0 MB',
      '1.0 GB',
    ]);
  });
});

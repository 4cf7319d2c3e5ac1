import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/text/retry-after.ts';

const now = Date.parse('2025-01-01T00:00:00Z');
const wait = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), now);

describe('retryAfterMs', () => {
  it('prefers retry-after-ms, rounded up to whole ms', () => {
    expect(wait({ 'retry-after-ms': '2500.2', 'retry-after': '3' })).toBe(2501);
  });

  it('reads retry-after in seconds, or as an HTTP date', () => {
    expect(wait({ 'retry-after': '3' })).toBe(3000);
    expect(wait({ 'retry-after': '0.5' })).toBe(500);
    expect(wait({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' })).toBe(7000);
  });

  it('is 0 when the server says now: 0 s, a negative number or a past date', () => {
    expect(wait({ 'retry-after': '0' })).toBe(0);
    expect(wait({ 'retry-after': '-2' })).toBe(0);
    expect(wait({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' })).toBe(0);
  });

  it('falls back to retry-after when retry-after-ms is not a positive number', () => {
    expect(wait({ 'retry-after-ms': '0', 'retry-after': '2' })).toBe(2000);
    expect(wait({ 'retry-after-ms': 'soon', 'retry-after': '2' })).toBe(2000);
  });

  it('is undefined without a readable header', () => {
    expect(wait({})).toBeUndefined();
    expect(wait({ 'retry-after': 'later' })).toBeUndefined();
  });
});

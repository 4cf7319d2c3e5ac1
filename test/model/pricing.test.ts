import { describe, expect, it } from 'vitest';
import { addUsage, costOf, emptyUsage, priceOf, totalTokens } from '../../src/model/pricing.ts';
import type { Usage } from '../../src/model/types.ts';

const usage = (
  inputTokens: number,
  outputTokens: number,
  cacheWriteTokens = 0,
  cacheReadTokens = 0,
): Usage => ({
  inputTokens,
  outputTokens,
  cacheWriteTokens,
  cacheReadTokens,
});

describe('priceOf', () => {
  it.each([
    ['claude-sonnet-4-5', 'sonnet', 3, 15, 0.3],
    ['claude-sonnet-4-5-20250929', 'sonnet', 3, 15, 0.3],
    ['claude-sonnet-4-6', 'sonnet', 3, 15, 0.3],
    ['claude-3-7-sonnet-20250219', 'sonnet', 3, 15, 0.3],
    ['claude-sonnet-5', 'sonnet', 2, 10, 0.2],
    ['claude-sonnet-5-5[1m]', 'sonnet', 2, 10, 0.1],
    ['claude-opus-4-20250514', 'opus', 15, 75, 1.5],
    ['claude-opus-4-1', 'opus', 15, 75, 1.5],
    ['claude-opus-4-5-20251101', 'opus', 5, 25, 0.5],
    ['claude-opus-4-5@20251101', 'opus', 5, 25, 0.5],
    ['claude-opus-4-8', 'opus', 5, 25, 0.5],
    ['claude-opus-5', 'opus', 5, 25, 0.5],
    ['claude-opus-5-5', 'opus', 4, 20, 0.2],
    ['claude-3-haiku-20240307', 'haiku', 0.25, 1.25, 0.03],
    ['claude-3-5-haiku-20241022', 'haiku', 0.8, 4, 0.08],
    ['claude-haiku-4-5', 'haiku', 1, 5, 0.1],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', 'haiku', 1, 5, 0.1],
    ['claude-haiku-5-5', 'haiku', 0.1, 0.5, 0.01],
    ['claude-fable-5', 'fable', 10, 50, 1],
    ['claude-fable-5-1', 'fable', 10, 50, 0.25],
    ['claude-mythos-5-1', 'mythos', 10, 50, 0.25],
  ])('%s is priced as %s at $%s / $%s, cache read $%s', (model, family, input, output, cacheRead) => {
    const info = priceOf(model);
    expect(info).toMatchObject({ family, known: true, prices: { input, output, cacheRead } });
    // The published 5-minute cache write is 1.25x input everywhere but on Claude 3 Haiku ($0.30).
    expect(info.prices.cacheWrite).toBeCloseTo(model.startsWith('claude-3-haiku') ? 0.3 : input * 1.25, 10);
  });

  it('gives an id without a version the newest prices of its family', () => {
    expect(priceOf('claude-opus').prices).toEqual(priceOf('claude-opus-5-5').prices);
  });

  it('prices an unknown model as Sonnet 4.x and says it does not know it', () => {
    for (const model of ['gpt-4o', 'my-local-model', '']) {
      expect(priceOf(model)).toEqual({
        family: 'unknown',
        known: false,
        prices: { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
      });
    }
  });
});

describe('costOf', () => {
  it('adds input, output, cache writes (1.25x input) and cache reads at the model prices', () => {
    // 1000 * $3 + 500 * $15 + 2000 * $3.75 + 10 000 * $0.30, per million.
    expect(costOf('claude-sonnet-4-5', usage(1000, 500, 2000, 10_000))).toBeCloseTo(0.021, 10);
    expect(costOf('claude-opus-4-5', usage(1_000_000, 0))).toBeCloseTo(5, 10);
    expect(costOf('claude-haiku-4-5', usage(0, 1_000_000))).toBeCloseTo(5, 10);
  });

  it('is zero for no usage', () => {
    expect(costOf('claude-opus-4-1', emptyUsage())).toBe(0);
  });

  it('charges the long-prompt tier of Haiku 5.5 on every token once the prompt passes 100k', () => {
    const short = usage(90_000, 1000, 0, 10_000); // prompt exactly 100 000: lower tier
    const long = usage(90_000, 1000, 0, 10_001);
    expect(costOf('claude-haiku-5-5', short)).toBeCloseTo(
      (90_000 * 0.1 + 1000 * 0.5 + 10_000 * 0.01) / 1e6,
      12,
    );
    expect(costOf('claude-haiku-5-5', long)).toBeCloseTo(
      (90_000 * 0.5 + 1000 * 2.5 + 10_001 * 0.05) / 1e6,
      12,
    );
  });

  it('uses Sonnet prices for an unknown model', () => {
    expect(costOf('some-gateway-alias', usage(1000, 1000))).toBe(
      costOf('claude-sonnet-4-6', usage(1000, 1000)),
    );
  });
});

describe('addUsage', () => {
  it('sums every count into a new object and leaves both inputs as they were', () => {
    const a = usage(1, 2, 3, 4);
    const b = usage(10, 20, 30, 40);
    expect(addUsage(a, b)).toEqual(usage(11, 22, 33, 44));
    expect(a).toEqual(usage(1, 2, 3, 4));
    expect(b).toEqual(usage(10, 20, 30, 40));
    expect(addUsage(emptyUsage(), a)).toEqual(a);
    expect(totalTokens(a)).toBe(10);
  });
});

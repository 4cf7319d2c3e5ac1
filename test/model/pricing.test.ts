import { describe, expect, it } from 'vitest';
import {
  addUsage,
  budgetCostOf,
  costOf,
  describeCost,
  emptyUsage,
  isCostKnown,
  type KnownPrice,
  priceOf,
  totalTokens,
} from '../../src/model/pricing.ts';
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
    const info = priceOf(model) as KnownPrice;
    expect(info).toMatchObject({ family, known: true, prices: { input, output, cacheRead } });
    // The published 5-minute cache write is 1.25x input everywhere but on Claude 3 Haiku ($0.30).
    expect(info.prices.cacheWrite).toBeCloseTo(model.startsWith('claude-3-haiku') ? 0.3 : input * 1.25, 10);
  });

  it('gives an id without a version the newest prices of its family', () => {
    expect((priceOf('claude-opus') as KnownPrice).prices).toEqual(
      (priceOf('claude-opus-5-5') as KnownPrice).prices,
    );
  });

  it('says it does not know an unknown model, with no prices to guess from', () => {
    for (const model of ['gpt-4o', 'my-local-model', 'qwen3-coder:30b', '']) {
      expect(priceOf(model)).toEqual({ family: 'unknown', known: false });
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

  it('is undefined (unknown), never 0, for a model with no known price', () => {
    expect(costOf('some-gateway-alias', usage(1000, 1000))).toBeUndefined();
    expect(costOf('qwen3-coder:30b', usage(1000, 1000))).toBeUndefined();
  });

  it('uses the prices it is given (MODEL_OPTIONS pricing) over the table', () => {
    const prices = { input: 1, output: 2, cacheWrite: 1, cacheRead: 1 };
    expect(costOf('qwen3-coder:30b', usage(1_000_000, 1_000_000), prices)).toBeCloseTo(3, 10);
    expect(costOf('claude-opus-4-5', usage(1_000_000, 0), prices)).toBeCloseTo(1, 10);
    expect(costOf('local', usage(5000, 5000), { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 })).toBe(0);
  });
});

describe('unknown cost', () => {
  const unpriced = { ...usage(1000, 200), unpricedTokens: 1200 };

  it('is described as unknown, never as $0, and a known part is kept', () => {
    expect(describeCost(0, unpriced)).toBe('cost unknown');
    expect(describeCost(0.0123, unpriced)).toBe('$0.0123 + unknown');
    expect(describeCost(0, usage(0, 0))).toBe('$0.0000');
    expect(describeCost(0.5, usage(10, 10), 2)).toBe('$0.50');
    expect(isCostKnown(unpriced)).toBe(false);
    expect(isCostKnown(usage(1, 1))).toBe(true);
  });

  it('counts unpriced tokens toward a budget at $3 per million', () => {
    expect(budgetCostOf(0, unpriced)).toBeCloseTo(1200 * 3e-6, 12);
    expect(budgetCostOf(0.25, usage(1, 1))).toBe(0.25);
  });

  it('sums unpriced and estimated counts, and leaves them out while 0', () => {
    const sum = addUsage(unpriced, { ...usage(10, 10), estimatedTokens: 20 });
    expect(sum).toEqual({ ...usage(1010, 210), unpricedTokens: 1200, estimatedTokens: 20 });
    expect(addUsage(usage(1, 1), usage(1, 1))).toEqual(usage(2, 2));
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

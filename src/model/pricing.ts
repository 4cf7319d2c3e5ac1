/**
 * Token prices and cost. Anthropic prices differ by family (opus / sonnet / haiku / fable / mythos)
 * and, within a family, by generation, so the table is keyed by both. Prices are the public
 * Claude API list prices in USD per million tokens (platform.claude.com/docs/en/about-claude/pricing,
 * checked November 2026). Cache writes are the 5-minute ones (1.25x input; Claude 3 Haiku $0.30),
 * the only kind this client creates; cache reads are 0.1x input on most models, less on the newest.
 */
import type { Usage } from './types.ts';

/** USD per million tokens. */
export interface Prices {
  input: number;
  output: number;
  /** 5-minute cache write. */
  cacheWrite: number;
  cacheRead: number;
}

/** A model id's prices, when its family is known. */
export interface KnownPrice {
  family: 'opus' | 'sonnet' | 'haiku' | 'fable' | 'mythos';
  known: true;
  prices: Prices;
  /**
   * A dearer tier for requests whose prompt (input + cache reads + cache writes) exceeds
   * `thresholdTokens`; it then applies to every token of that request, output included.
   */
  longPrompt?: { thresholdTokens: number; prices: Prices };
}

/** The prices of a model id, or `known: false` for an id that names no known family. */
export type PriceInfo = KnownPrice | { family: 'unknown'; known: false };

const p = (input: number, output: number, cacheRead: number): Prices => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead,
});

const SONNET_4 = p(3, 15, 0.3);

/** Rows per family, newest first: the first row whose `from` version is <= the model's applies. */
const TABLE: Record<KnownPrice['family'], Array<{ from: number } & Omit<KnownPrice, 'family' | 'known'>>> = {
  fable: [
    { from: 5.1, prices: p(10, 50, 0.25) },
    { from: 0, prices: p(10, 50, 1) },
  ],
  mythos: [
    { from: 5.1, prices: p(10, 50, 0.25) },
    { from: 0, prices: p(10, 50, 1) },
  ],
  opus: [
    { from: 5.5, prices: p(4, 20, 0.2) },
    { from: 4.5, prices: p(5, 25, 0.5) },
    { from: 0, prices: p(15, 75, 1.5) },
  ],
  sonnet: [
    { from: 5.5, prices: p(2, 10, 0.1) },
    { from: 5, prices: p(2, 10, 0.2) },
    { from: 0, prices: SONNET_4 },
  ],
  haiku: [
    {
      from: 5.5,
      prices: p(0.1, 0.5, 0.01),
      longPrompt: { thresholdTokens: 100_000, prices: p(0.5, 2.5, 0.05) },
    },
    { from: 4.5, prices: p(1, 5, 0.1) },
    { from: 3.5, prices: p(0.8, 4, 0.08) },
    { from: 0, prices: { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 } },
  ],
};

// claude-opus-4-5-20251101, claude-3-5-haiku-20241022, claude-sonnet-5-5[1m],
// anthropic.claude-haiku-4-5-20251001-v1:0, claude-opus-4-5@20251101, claude-mythos-preview.
const MODEL_ID =
  /claude-(?:(\d{1,2})-(?:(\d)-)?)?(opus|sonnet|haiku|fable|mythos)(?:-(\d{1,2})(?!\d)(?:-(\d)(?!\d))?)?/;

/**
 * The prices of a model id. An id with no version (e.g. `claude-opus`) or a newer version than
 * the table knows gets the newest row of its family. An id that names no known family (a
 * gateway alias, a local model) is `known: false`: its cost is unknown (see `costOf`).
 */
export function priceOf(model: string): PriceInfo {
  const match = MODEL_ID.exec(model.toLowerCase());
  const family = match?.[3];
  if (!match || !isFamily(family)) return { family: 'unknown', known: false };
  const major = match[4] ?? match[1];
  const minor = match[4] ? match[5] : match[2];
  const version = major === undefined ? Number.POSITIVE_INFINITY : Number(major) + Number(minor ?? 0) / 10;
  const rows = TABLE[family];
  const row = rows.find((candidate) => version >= candidate.from) ?? rows[rows.length - 1]!;
  return {
    family,
    known: true,
    prices: row.prices,
    ...(row.longPrompt ? { longPrompt: row.longPrompt } : {}),
  };
}

function isFamily(value: string | undefined): value is keyof typeof TABLE {
  return value !== undefined && Object.hasOwn(TABLE, value);
}

/**
 * The cost in USD of one request's usage on `model`, or undefined when the model's price is not
 * known (never a guess: an unknown cost is shown as unknown, not as $0 or as some other model's).
 * `prices` (an operator's MODEL_OPTIONS pricing) wins over the table. Price tiers that depend on
 * prompt length are decided per request, so pass one response's usage, not a sum.
 */
export function costOf(model: string, usage: Usage, prices?: Prices): number | undefined {
  let rates: Prices;
  if (prices) {
    rates = prices;
  } else {
    const info = priceOf(model);
    if (!info.known) return undefined;
    const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    rates =
      info.longPrompt && prompt > info.longPrompt.thresholdTokens ? info.longPrompt.prices : info.prices;
  }
  const micro =
    usage.inputTokens * rates.input +
    usage.outputTokens * rates.output +
    usage.cacheWriteTokens * rates.cacheWrite +
    usage.cacheReadTokens * rates.cacheRead;
  return micro / 1_000_000;
}

/**
 * What the agent's cost budget counts an unpriced token as: Sonnet 4.x's input price ($3 per
 * million), so a runaway loop on a model of unknown price still stops, at about the point it
 * would on Sonnet (input tokens dominate an agent loop). Never shown as a cost.
 */
export const UNPRICED_BUDGET_USD_PER_TOKEN = SONNET_4.input / 1_000_000;

/** The cost a budget checks: the priced cost plus the unpriced tokens at the stand-in rate. */
export function budgetCostOf(costUsd: number, usage: Usage): number {
  return costUsd + (usage.unpricedTokens ?? 0) * UNPRICED_BUDGET_USD_PER_TOKEN;
}

/** True when every token of `usage` was priced, so a `costUsd` beside it is the whole cost. */
export function isCostKnown(usage: Usage): boolean {
  return !(usage.unpricedTokens && usage.unpricedTokens > 0);
}

/**
 * A cost for people: `$0.0123`, `cost unknown` when nothing was priced, or `$0.0123 + unknown`
 * when part was. Never `$0` for tokens of unknown price.
 */
export function describeCost(costUsd: number, usage: Usage, digits = 4): string {
  if (isCostKnown(usage)) return `$${costUsd.toFixed(digits)}`;
  return costUsd > 0 ? `$${costUsd.toFixed(digits)} + unknown` : 'cost unknown';
}

/** Usage with every count at zero. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
}

/** The sum of two usages (a new object); the optional counts only when not 0. */
export function addUsage(a: Usage, b: Usage): Usage {
  const unpriced = (a.unpricedTokens ?? 0) + (b.unpricedTokens ?? 0);
  const estimated = (a.estimatedTokens ?? 0) + (b.estimatedTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    ...(unpriced > 0 ? { unpricedTokens: unpriced } : {}),
    ...(estimated > 0 ? { estimatedTokens: estimated } : {}),
  };
}

/** All tokens of a usage, input side (including cache reads and writes) plus output. */
export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
}

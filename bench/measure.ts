/**
 * Benchmark helpers, microseconds. A figure that is compared with a baseline is timed round robin
 * with it (`compare`, `roundRobin`): call by call in turn, in several rounds, the order rotated each
 * round. Each round gives its own ratio (or difference) of medians, and a row reports the median of
 * those and their range over the rounds: two runs on the same code then agree, and a verdict that
 * holds in only some rounds shows it instead of flipping from one run to the next.
 */

/** A figure over rounds: the median of its per-round values, the lowest and highest, and the values. */
export interface Spread {
  median: number;
  low: number;
  high: number;
  values: number[];
}

export interface BenchRow {
  name: string;
  medianUs: number;
  p99Us?: number;
  runs: number;
  note?: string;
  /** Against its baseline: the ratio of the two medians in each round, over the rounds. */
  ratio?: Spread;
  /** Against its baseline: the difference of the two medians in each round (microseconds), over the rounds. */
  deltaUs?: Spread;
}

export interface MeasureOptions {
  runs?: number;
  warmup?: number;
  note?: string;
}

/** Time `fn` `runs` times after `warmup` untimed runs; returns the median and p99 (a figure with no baseline). */
export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Promise<BenchRow> {
  const runs = options.runs ?? 100;
  for (let i = 0; i < (options.warmup ?? 5); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await time(fn));
  return { name, ...summarize(samples), runs, ...(options.note ? { note: options.note } : {}) };
}

/** How long one call of `fn` takes, in microseconds. */
export async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

/**
 * The CPU time one call of `fn` takes in this process (every thread, the sandbox's included), in
 * microseconds: unlike the wall clock, it does not count the time other processes had the cores.
 */
export async function cpuTime(fn: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

export interface RoundRobinOptions {
  /** Rounds, each giving one ratio per contender (default 6). */
  rounds?: number;
  /** Timed calls of each function per round (default 20). */
  perRound?: number;
  /** Untimed turns of every function first (default 3). */
  warmup?: number;
  /** `cpu`: the process's CPU time instead of the wall clock (see `cpuTime`). */
  clock?: 'wall' | 'cpu';
}

/**
 * Time every function in turn, call by call (a, b, c, a, b, c, ...), `perRound` calls of each per
 * round for `rounds` rounds, after `warmup` untimed turns. The order is rotated each round so that
 * none always runs right after the same one. Returns `samples[function][round]`, in microseconds.
 */
export async function roundRobin(
  fns: readonly (() => unknown)[],
  options: RoundRobinOptions = {},
): Promise<number[][][]> {
  const { rounds = 6, perRound = 20, warmup = 3 } = options;
  const timer = options.clock === 'cpu' ? cpuTime : time;
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => Array.from({ length: rounds }, () => [] as number[]));
  for (let round_ = 0; round_ < rounds; round_++) {
    const order = fns.map((_, i) => (i + round_) % fns.length);
    for (let i = 0; i < perRound; i++) {
      for (const index of order) samples[index]?.[round_]?.push(await timer(fns[index] as () => unknown));
    }
  }
  return samples;
}

/** `f(median of the baseline's round, median of the sample's round)` for each round, and its spread. */
export function overRounds(
  base: readonly number[][],
  sample: readonly number[][],
  f: (base: number, sample: number) => number,
): Spread {
  const values = sample.map((round_, i) => f(median(base[i] ?? []), median(round_)));
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: round(median(values), 3),
    low: round(sorted[0] ?? Number.NaN, 3),
    high: round(sorted.at(-1) ?? Number.NaN, 3),
    values: values.map((value) => round(value, 3)),
  };
}

/** The per-round ratio of a sample to its baseline. */
export const ratioOverRounds = (base: readonly number[][], sample: readonly number[][]): Spread =>
  overRounds(base, sample, (b, s) => s / b);

/** The per-round difference of a sample and its baseline (microseconds). */
export const deltaOverRounds = (base: readonly number[][], sample: readonly number[][]): Spread =>
  overRounds(base, sample, (b, s) => s - b);

/** "1.23x (rounds 1.18-1.30)" */
export function formatRatio(ratio: Spread): string {
  return `${ratio.median.toFixed(2)}x (rounds ${ratio.low.toFixed(2)}-${ratio.high.toFixed(2)})`;
}

/** "+2.70 ms (rounds 2.41-3.02 ms)" for a difference in microseconds. */
export function formatDelta(deltaUs: Spread): string {
  const ms = (us: number) => (us / 1000).toFixed(2);
  const sign = deltaUs.median >= 0 ? '+' : '';
  return `${sign}${ms(deltaUs.median)} ms (rounds ${ms(deltaUs.low)} to ${ms(deltaUs.high)} ms)`;
}

/** How many rounds meet `test`, as "met in 5/6 rounds". */
export function roundsMeeting(spread: Spread, test: (value: number) => boolean): string {
  const met = spread.values.filter(test).length;
  return `${met === spread.values.length ? 'met' : met === 0 ? 'MISSED' : 'MIXED'} in ${met}/${spread.values.length} rounds`;
}

/** A row of samples kept by round. */
export function rowOf(name: string, rounds: readonly number[][], note?: string): BenchRow {
  const samples = rounds.flat();
  return { name, ...summarize(samples), runs: samples.length, ...(note ? { note } : {}) };
}

/** A sample's row against its baseline's rounds: ratio and difference over rounds, the ratio in the note. */
export function against(
  name: string,
  base: readonly number[][],
  sample: readonly number[][],
  note?: string,
): BenchRow {
  const ratio = ratioOverRounds(base, sample);
  const deltaUs = deltaOverRounds(base, sample);
  const said = `${formatRatio(ratio)} the baseline${note ? `; ${note}` : ''}`;
  return { ...rowOf(name, sample, said), ratio, deltaUs };
}

export interface Contender {
  name: string;
  fn: () => unknown;
  note?: string;
}

/**
 * Time a baseline and its contenders round robin (see `roundRobin`); returns the baseline's row,
 * then one per contender with its ratio to the baseline (median over rounds and their range).
 */
export async function compare(
  baseline: Contender,
  contenders: readonly Contender[],
  options: RoundRobinOptions = {},
): Promise<BenchRow[]> {
  const [base = [], ...others] = await roundRobin([baseline.fn, ...contenders.map((c) => c.fn)], options);
  return [
    rowOf(baseline.name, base, baseline.note),
    ...contenders.map((contender, i) => against(contender.name, base, others[i] ?? [], contender.note)),
  ];
}

/** Median and p99 of samples in microseconds. */
export function summarize(samples: readonly number[]): { medianUs: number; p99Us: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { medianUs: round(at(0.5)), p99Us: round(at(0.99)) };
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

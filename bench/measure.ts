/** Benchmark helpers: medians over many runs, microseconds. */

export interface BenchRow {
  name: string;
  medianUs: number;
  p99Us?: number;
  runs: number;
  note?: string;
}

export interface MeasureOptions {
  runs?: number;
  warmup?: number;
  note?: string;
}

/** Time `fn` `runs` times after `warmup` untimed runs; returns the median and p99. */
export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Promise<BenchRow> {
  const runs = options.runs ?? 100;
  for (let i = 0; i < (options.warmup ?? 5); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return { name, ...summarize(samples), runs, ...(options.note ? { note: options.note } : {}) };
}

/** Median and p99 of samples in microseconds. */
export function summarize(samples: number[]): { medianUs: number; p99Us: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { medianUs: round(at(0.5)), p99Us: round(at(0.99)) };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

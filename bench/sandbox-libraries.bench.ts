/**
 * Libraries in the sandbox (`npm run bench -- sandbox`). Every figure is sampled round robin with
 * its baseline in the same run, so both see the same machine load; ratios are medians of side-by-side
 * pairs, with the 10th-90th percentile spread of those pairs.
 * - First import of each library in a fresh session, against a fresh session that imports nothing
 *   (the bundle is built and its code cached once per process, as in a running bot).
 * - Cold start without an import: with the library provider present vs no provider at all.
 * - Parsing and grouping a 5 MB CSV with papaparse: a warm sandbox session (the CSV handed in by a
 *   host call, as a workspace read would) against the same code in plain Node.
 */
import Papa from 'papaparse';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import { LIBRARIES } from '../src/sandbox/libraries/catalog.ts';
import { sharedLibraryProvider } from '../src/sandbox/libraries/create-library-provider.ts';
import type { RunResult, SandboxProvider } from '../src/sandbox/types.ts';
import { type BenchRow, round, summarize } from './measure.ts';

const libraries = sharedLibraryProvider();

function ok(result: RunResult): RunResult {
  if (!result.ok) throw new Error(`sandbox run failed: ${JSON.stringify(result.error)}`);
  return result;
}

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

/**
 * Sample every function once per round, `rounds` times (after `warmup` rounds). Each round starts
 * one function later than the last, so no figure always pays for the one before it (a disposed
 * isolate's cleanup lands on the next sample: ~0.2 ms here).
 */
async function roundRobin(rounds: number, warmup: number, fns: (() => unknown)[]): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < fns.length; j++) {
      const index = (i + j) % fns.length;
      const fn = fns[index];
      if (fn) samples[index]?.push(await time(fn));
    }
  }
  return samples;
}

function pairs(base: number[], sample: number[]): { median: number; p10: number; p90: number } {
  const ratios = sample.map((us, i) => us / (base[i] ?? Number.NaN)).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))] ?? Number.NaN;
  return { median: round(at(0.5)), p10: round(at(0.1)), p90: round(at(0.9)) };
}

function row(name: string, samples: number[], note?: string): BenchRow {
  return { name, ...summarize(samples), runs: samples.length, ...(note ? { note } : {}) };
}

async function fresh(code: string, providers: SandboxProvider[]): Promise<void> {
  const sandbox = createSandbox({ providers });
  try {
    ok(await sandbox.run(code));
  } finally {
    sandbox.dispose();
  }
}

/** About 5 MB of sales rows: region, product, day, units, price, with quoted fields. */
function salesCsv(): string {
  const regions = ['North', 'South', 'East', 'West', 'Central'];
  const products = ['Widget, large', 'Gadget', 'Doohickey "pro"', 'Sprocket', 'Gizmo'];
  const lines = ['region,product,day,units,price,comment'];
  let size = 0;
  for (let i = 0; size < 5_000_000; i++) {
    const line = `${regions[i % 5]},"${(products[(i * 7) % 5] ?? '').replaceAll('"', '""')}",2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${(i * 13) % 97},${((i * 31) % 1000) / 10},"note ${i}"`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

const GROUP = `
  const parsed = Papa.parse(csv, { header: true, dynamicTyping: true, skipEmptyLines: true });
  const totals = {};
  for (const row of parsed.data) {
    const key = row.region + ' / ' + row.product;
    const entry = (totals[key] ??= { units: 0, revenue: 0, rows: 0 });
    entry.units += row.units; entry.revenue += row.units * row.price; entry.rows++;
  }
  return { rows: parsed.data.length, groups: Object.keys(totals).length, north: totals['North / Gadget'] };`;

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await libraries.warm();

  // First import of each library in a fresh session, against a fresh session importing nothing.
  const names = LIBRARIES.map((library) => library.name);
  const importSamples = await roundRobin(20, 2, [
    () => fresh('1', [libraries]),
    ...names.map((name) => () => fresh(`await import(${JSON.stringify(name)})`, [libraries])),
  ]);
  const base = importSamples[0] ?? [];
  const baseMedian = summarize(base).medianUs;
  rows.push(row('fresh session, no import (baseline of the imports below)', base));
  for (const [index, name] of names.entries()) {
    const samples = importSamples[index + 1] ?? [];
    const extra = samples.map((us, i) => us - (base[i] ?? 0)).sort((a, b) => a - b);
    const at = (q: number) => round((extra[Math.floor(q * extra.length)] ?? Number.NaN) / 1000);
    rows.push(
      row(
        `fresh session + first import of ${name}`,
        samples,
        `import costs ${at(0.5)} ms over the baseline (p10 ${at(0.1)}, p90 ${at(0.9)}); baseline median ${round(baseMedian / 1000)} ms`,
      ),
    );
  }

  // Cold start without an import: does the library provider cost a session that does not import?
  const [bare, withProvider, withImport] = await roundRobin(150, 20, [
    () => fresh('return 1+2', []),
    () => fresh('return 1+2', [libraries]),
    () => fresh("import Papa from 'papaparse';\nreturn typeof Papa.parse", [libraries]),
  ]);
  const cold = pairs(bare ?? [], withProvider ?? []);
  const coldImport = pairs(bare ?? [], withImport ?? []);
  rows.push(row('cold run `return 1+2`, no providers', bare ?? []));
  rows.push(
    row(
      'cold run `return 1+2`, library provider present (no import)',
      withProvider ?? [],
      `${cold.median}x the run without providers (p10 ${cold.p10}, p90 ${cold.p90}; target <= 1.05)`,
    ),
  );
  rows.push(
    row(
      "cold run with `import Papa from 'papaparse'`",
      withImport ?? [],
      `${coldImport.median}x the run without providers (p10 ${coldImport.p10}, p90 ${coldImport.p90})`,
    ),
  );

  // Parse and group a 5 MB CSV: warm sandbox session vs plain Node.
  const csv = salesCsv();
  const session = createSandbox({
    providers: [libraries, { namespace: 'data', bindings: { csv: () => csv } }],
    limits: { timeoutMs: 60_000, wallMs: 120_000 },
  });
  ok(await session.run("import Papa from 'papaparse';"));
  const inNode = new Function('Papa', 'csv', GROUP) as (papa: typeof Papa, text: string) => unknown;
  let expected = '';
  const [nodeSamples, sandboxSamples] = await roundRobin(10, 2, [
    () => {
      expected = JSON.stringify(inNode(Papa, csv));
    },
    async () => {
      const result = ok(await session.run(`const csv = await data.csv();\n${GROUP}`));
      if (JSON.stringify(result.data) !== expected)
        throw new Error('the sandbox and Node disagree on the CSV');
    },
  ]);
  session.dispose();
  const csvRatio = pairs(nodeSamples ?? [], sandboxSamples ?? []);
  rows.push(
    row(`plain Node: papaparse parse + group a ${round(csv.length / 1e6)} MB CSV`, nodeSamples ?? []),
  );
  rows.push(
    row(
      'sandbox (warm session): the same, CSV handed in by a host call',
      sandboxSamples ?? [],
      `${csvRatio.median}x plain Node (p10 ${csvRatio.p10}, p90 ${csvRatio.p90})`,
    ),
  );
  return rows;
}

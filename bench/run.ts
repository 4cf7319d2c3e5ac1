/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line), prints a
 * table, and writes the rows as JSON to stdout's end and to bench/results/latest.json.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchRow } from './measure.ts';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const results: Record<string, BenchRow[]> = {};
for (const file of files) {
  const suite = file.replace(/\.bench\.ts$/, '');
  process.stdout.write(`\n## ${suite}\n`);
  const module: { default: () => Promise<BenchRow[]> } = await import(path.join(dir, file));
  const rows = await module.default();
  results[suite] = rows;
  printTable(rows);
}

const json = JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2);
await mkdir(path.join(dir, 'results'), { recursive: true });
await writeFile(path.join(dir, 'results', 'latest.json'), `${json}\n`);
process.stdout.write(`\n${json}\n`);

function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'median', 'p99', 'runs', 'note'];
  const lines = rows.map((row) => [
    row.name,
    formatUs(row.medianUs),
    row.p99Us === undefined ? '' : formatUs(row.p99Us),
    String(row.runs),
    row.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const fmt = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const line of lines) process.stdout.write(`${fmt(line)}\n`);
}

function formatUs(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(1)} us`;
}

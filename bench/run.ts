/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line), each in a
 * process of its own so one suite's heap and caches do not colour the next; prints a table per
 * suite, then all rows as JSON (also written to bench/results/latest.json).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchRow } from './measure.ts';

const dir = import.meta.dirname;
const CHILD_FLAG = '--suite';

if (process.argv[2] === CHILD_FLAG) {
  // In the child: run one suite and send its rows back on stdout's last line.
  const file = process.argv[3] ?? '';
  const module: { default: () => Promise<BenchRow[]> } = await import(path.join(dir, file));
  const rows = await module.default();
  process.stdout.write(`\n${JSON.stringify(rows)}\n`);
  process.exit(0);
}

const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const results: Record<string, BenchRow[]> = {};
let failed = false;
for (const file of files) {
  const suite = file.replace(/\.bench\.ts$/, '');
  process.stdout.write(`\n## ${suite}\n`);
  const rows = await runSuite(file);
  if (!rows) {
    failed = true;
    continue;
  }
  results[suite] = rows;
  printTable(rows);
}

const json = JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2);
await mkdir(path.join(dir, 'results'), { recursive: true });
await writeFile(path.join(dir, 'results', 'latest.json'), `${json}\n`);
process.stdout.write(`\n${json}\n`);
process.exitCode = failed ? 1 : 0;

function runSuite(file: string): Promise<BenchRow[] | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, CHILD_FLAG, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('close', (code) => {
      const last = out.trimEnd().split('\n').pop() ?? '';
      try {
        const rows: BenchRow[] = JSON.parse(last);
        resolve(code === 0 ? rows : undefined);
      } catch {
        process.stderr.write(`${file} failed (exit ${code})\n${out}`);
        resolve(undefined);
      }
    });
  });
}

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

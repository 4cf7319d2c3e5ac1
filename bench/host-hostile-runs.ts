/**
 * The host bench's memory figure: 300 hostile runs (a fresh session every 10; 10 kinds, 2 of them
 * out-of-memory V8 cannot recover from), then RSS after a full GC against the start (target: back
 * within 20 %). Each in a fresh process of its own, killed once it has reported (inline, a process
 * that lost an isolate cannot exit); through the sandbox pool, the parent and its worker processes
 * are counted together.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import { createSandboxPool, type SandboxPool } from '../src/sandbox/process/sandbox-pool.ts';
import type { Sandbox, SandboxOptions } from '../src/sandbox/types.ts';
import type { BenchRow } from './measure.ts';
import { round } from './measure.ts';

const RSS_GROWTH_TARGET = 0.2;
const sink = (args: unknown[]) => args.length;

const ATTACKS = [
  'while (true) {}',
  'const a = []; for (;;) a.push(new Array(50_000).fill(1));',
  'const parts = []; for (let i = 0; ; i++) parts.push("x".repeat(1_000_000) + i);',
  // The kinds V8 cannot survive in the isolate (one huge allocation): isolated-vm parks the thread.
  'const m = new Map(); for (let i = 0; ; i++) m.set(i, i);',
  'for (let i = 0; i < 2_000; i++) console.log("z".repeat(500) + i);',
  'function r() { return r(); } r();',
  'let s = "x"; for (;;) s += s;',
  'for (let i = 0; i < 20_000; i++) setTimeout(() => {}, 0); await sleep(5);',
  'await sink({ rows: Array.from({ length: 50_000 }, (_, i) => ({ i })) });',
  'const o = {}; for (let i = 0; ; i++) o["k" + i] = i;',
];

const OPTIONS: SandboxOptions = {
  limits: { memoryMb: 64, timeoutMs: 2_000, wallMs: 10_000, maxOutputChars: 2_000 },
  providers: [{ namespace: 'sink', bindings: { '': sink } }],
};

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** 300 runs of the attacks in turn, a fresh sandbox every 10; outcomes counted by limit or error. */
async function hostileRuns(make: () => Sandbox): Promise<{ ms: number; outcomes: Record<string, number> }> {
  const outcomes = new Map<string, number>();
  let sandbox = make();
  const started = performance.now();
  for (let i = 0; i < 300; i++) {
    if (i % 10 === 0) {
      sandbox.dispose();
      sandbox = make();
    }
    let outcome: string;
    try {
      const result = await sandbox.run(ATTACKS[i % ATTACKS.length] ?? '');
      outcome = result.error?.limit ?? result.error?.name ?? 'ok';
    } catch (error) {
      outcome = `refused: ${error instanceof Error ? error.message.slice(0, 60) : String(error)}`;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  sandbox.dispose();
  return { ms: performance.now() - started, outcomes: Object.fromEntries(outcomes) };
}

function rssRow(name: string, start: number, end: number, ms: number, detail: string): BenchRow {
  const growth = (end - start) / start;
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return {
    name,
    medianUs: round((ms * 1000) / 300),
    runs: 300,
    note: `RSS ${mb(start)} MB -> ${mb(end)} MB (${growth >= 0 ? '+' : ''}${round(growth * 100, 1)} %); target within ${RSS_GROWTH_TARGET * 100} %: ${Math.abs(growth) <= RSS_GROWTH_TARGET ? 'met' : 'MISSED'}; ${detail}`,
  };
}

async function inlineInThisProcess(): Promise<BenchRow> {
  const gc = exposeGc();
  // Warm the process (runtime snapshot, JIT) before the starting figure.
  const warm = createSandbox(OPTIONS);
  await warm.run('1');
  warm.dispose();
  gc();
  const start = process.memoryUsage().rss;
  const { ms, outcomes } = await hostileRuns(() => createSandbox(OPTIONS));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const end = process.memoryUsage().rss;
  return rssRow(
    'inline: 300 hostile runs (10 kinds, 2 of them out-of-memory V8 cannot recover from), RSS after / before',
    start,
    end,
    ms,
    `outcomes ${JSON.stringify(outcomes)}`,
  );
}

/** A figure from a fresh process of its own (killed once it has reported). */
export function rssAfterHostileRuns(mode: 'inline' | 'pool'): Promise<BenchRow> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [RSS_CHILD]: mode },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((text) => text.startsWith('{'));
      if (line) {
        child.kill('SIGKILL');
        resolve(JSON.parse(line) as BenchRow);
      }
    });
    child.on('close', (code) =>
      reject(new Error(`the hostile-runs process ended (${code}) without a result`)),
    );
  });
}

/** Resident set of a process by pid (Linux), in bytes; 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** This process and the pool's worker processes, together. */
function totalRss(pool: SandboxPool): { bytes: number; processes: number } {
  const pids = pool.status().map((status) => status.pid);
  const children = pids.reduce((sum, pid) => sum + rssOf(pid), 0);
  return { bytes: process.memoryUsage().rss + children, processes: pids.length };
}

/** The same runs through the sandbox pool: this process and its workers counted together. */
async function poolInThisProcess(): Promise<BenchRow> {
  const gc = exposeGc();
  const pool = createSandboxPool({ perProcess: 8, spare: 1 });
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    gc();
  };
  try {
    const warm = pool.createSandbox(OPTIONS);
    await warm.run('1');
    warm.dispose();
    await settle();
    const start = totalRss(pool);
    const { ms, outcomes } = await hostileRuns(() => pool.createSandbox(OPTIONS));
    await settle();
    const end = totalRss(pool);
    return rssRow(
      'sandbox processes: the same 300 hostile runs, RSS of the parent + its workers after / before',
      start.bytes,
      end.bytes,
      ms,
      `${start.processes} -> ${end.processes} worker processes; outcomes ${JSON.stringify(outcomes)}`,
    );
  } finally {
    await pool.close();
  }
}

const RSS_CHILD = 'HOST_BENCH_RSS_CHILD';
if (import.meta.main && process.env[RSS_CHILD]) {
  const row = process.env[RSS_CHILD] === 'pool' ? await poolInThisProcess() : await inlineInThisProcess();
  process.stdout.write(`${JSON.stringify(row)}\n`);
  // Wait to be killed (see rssAfterHostileRuns).
  setInterval(() => {}, 60_000);
}

/**
 * What hostile sandboxed code costs the host: the host's event-loop delay (how late a 1 ms timer
 * fires, sampled all along) while 4 sessions run each hostile pattern at once, next to an idle
 * window of the same length measured in the same rounds (round robin: idle, timers, busy loop, big
 * tool arguments, log flood, idle, ...). Targets: p99 under 50 ms and no stall over 200 ms for every
 * pattern. Then the host's RSS after 300 hostile runs, the out-of-memory kinds included, against
 * its start (target: back within 20 %). `npm run bench -- host`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import type { RunResult, Sandbox, SandboxOptions } from '../src/sandbox/types.ts';
import type { BenchRow } from './measure.ts';
import { round } from './measure.ts';

const SESSIONS = 4;
const ROUNDS = Number(process.env.HOST_BENCH_ROUNDS) || 3;
const TARGETS = { p99Ms: 50, maxMs: 200, rssGrowth: 0.2 };

/** A binding that takes big arguments and answers small, like a tool writing a file. */
const sink = (args: unknown[]) => args.length;

interface Pattern {
  name: string;
  code: string;
  limits?: SandboxOptions['limits'];
  /** What every session's result must be, so a pattern that broke is not measured as fast. */
  expect: (result: RunResult) => boolean;
}

const PATTERNS: Pattern[] = [
  {
    name: 'timers: 100k setTimeout(0), in awaited batches of 10k',
    code: `let fired = 0;
      for (let b = 0; b < 10; b++)
        await Promise.all(Array.from({ length: 10_000 }, () => new Promise((r) => setTimeout(() => { fired++; r(); }, 0))));
      fired`,
    limits: { wallMs: 120_000, timeoutMs: 60_000 },
    expect: (result) => result.data === 100_000,
  },
  {
    name: 'busy loop until the CPU limit (2 s)',
    code: 'while (true) {}',
    limits: { timeoutMs: 2_000 },
    expect: (result) => result.error?.limit === 'cpu',
  },
  {
    name: 'big tool arguments: 3 calls of ~9 MB of JSON (300k rows)',
    code: `const rows = Array.from({ length: 300_000 }, (_, i) => ({ id: i, name: 'row ' + i, v: i * 0.5 }));
      let out = [];
      for (let i = 0; i < 3; i++) { try { out.push(await sink({ rows })); } catch (e) { out.push(e.name + ': ' + e.message); } }
      out`,
    limits: { memoryMb: 256, wallMs: 120_000 },
    expect: (result) => result.ok,
  },
  {
    name: 'big tool arguments: 3 calls with a 9 MB string (a file written whole)',
    code: `const text = 'x'.repeat(9_000_000);
      let out = [];
      for (let i = 0; i < 3; i++) out.push(await sink({ path: 'big.txt', text }));
      out`,
    limits: { memoryMb: 256, wallMs: 120_000 },
    expect: (result) => result.ok,
  },
  {
    name: 'log flood: 200k console.log, half between awaits',
    code: `for (let i = 0; i < 100_000; i++) console.log('line', i);
      for (let i = 0; i < 100_000; i++) { console.log(i); if (i % 10 === 0) await null; }
      'done'`,
    limits: { wallMs: 120_000 },
    expect: (result) => result.data === 'done',
  },
];

/** Samples how late a 1 ms timer fires, in ms, until stopped. */
function sampleDelays(): () => number[] {
  const samples: number[] = [];
  let last = performance.now();
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = performance.now();
    samples.push(Math.max(0, now - last - 1));
    last = now;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return () => {
    clearTimeout(timer);
    // The gap since the last tick counts too: a stall that lasts until the end is a stall.
    samples.push(Math.max(0, performance.now() - last - 1));
    return samples;
  };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function runPattern(pattern: Pattern): Promise<{ delays: number[]; ms: number }> {
  const sessions: Sandbox[] = Array.from({ length: SESSIONS }, () =>
    createSandbox({
      ...(pattern.limits ? { limits: pattern.limits } : {}),
      providers: [{ namespace: 'sink', bindings: { '': sink } }],
    }),
  );
  // Warm each session (isolate made, runtime booted) outside the measured window.
  for (const session of sessions) await session.run('1');
  const stop = sampleDelays();
  const started = performance.now();
  const results = await Promise.all(sessions.map((session) => session.run(pattern.code)));
  const ms = performance.now() - started;
  const delays = stop();
  for (const session of sessions) session.dispose();
  for (const result of results) {
    if (!pattern.expect(result)) {
      throw new Error(`${pattern.name}: unexpected result ${JSON.stringify(result).slice(0, 500)}`);
    }
  }
  return { delays, ms };
}

async function idle(ms: number): Promise<number[]> {
  const stop = sampleDelays();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return stop();
}

/** Event-loop delays of a pattern's windows, one array per round: pooled, and the p99 round by round. */
function delayRow(name: string, rounds: number[][], note: string): BenchRow {
  const delays = rounds.flat();
  const p99 = quantile(delays, 0.99);
  const max = Math.max(...delays);
  const met = p99 < TARGETS.p99Ms && max < TARGETS.maxMs;
  const perRound = rounds.map((window) => quantile(window, 0.99));
  const metRounds = rounds.filter(
    (window) => quantile(window, 0.99) < TARGETS.p99Ms && Math.max(...window) < TARGETS.maxMs,
  ).length;
  return {
    name,
    medianUs: round(quantile(delays, 0.5) * 1000),
    p99Us: round(p99 * 1000),
    runs: rounds.length,
    note: `event-loop delay p99 ${round(p99)} ms (rounds ${round(Math.min(...perRound))}-${round(Math.max(...perRound))} ms), max ${round(max)} ms, ${delays.length} samples${note}; target p99 < ${TARGETS.p99Ms} ms, max < ${TARGETS.maxMs} ms: ${met ? 'met' : 'MISSED'} (${metRounds}/${rounds.length} rounds)`,
  };
}

/**
 * 300 hostile runs (a fresh session every 10), then RSS after a full GC against the start. Run in
 * a process of its own, killed once it has reported: a process that lost an isolate to an
 * unrecoverable out-of-memory cannot exit (isolated-vm joins the parked thread at exit).
 */
async function hostileRunsInThisProcess(): Promise<BenchRow[]> {
  setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const attacks = [
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
  const limits = { memoryMb: 64, timeoutMs: 2_000, wallMs: 10_000, maxOutputChars: 2_000 };
  const fresh = () => createSandbox({ limits, providers: [{ namespace: 'sink', bindings: { '': sink } }] });
  // Warm the process (runtime snapshot, JIT) before the starting figure.
  const warm = fresh();
  await warm.run('1');
  warm.dispose();
  gc();
  const start = process.memoryUsage().rss;
  const outcomes = new Map<string, number>();
  let sandbox = fresh();
  const started = performance.now();
  for (let i = 0; i < 300; i++) {
    if (i % 10 === 0) {
      sandbox.dispose();
      sandbox = fresh();
    }
    let outcome: string;
    try {
      const result = await sandbox.run(attacks[i % attacks.length] ?? '');
      outcome = result.error?.limit ?? result.error?.name ?? 'ok';
    } catch (error) {
      outcome = `refused: ${error instanceof Error ? error.message.slice(0, 60) : String(error)}`;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  sandbox.dispose();
  const ms = performance.now() - started;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const end = process.memoryUsage().rss;
  const growth = (end - start) / start;
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return [
    {
      name: '300 hostile runs (10 kinds, 2 of them out-of-memory V8 cannot recover from), RSS after / before',
      medianUs: round((ms * 1000) / 300),
      runs: 300,
      note: `RSS ${mb(start)} MB -> ${mb(end)} MB (${growth >= 0 ? '+' : ''}${round(growth * 100, 1)} %); target within ${TARGETS.rssGrowth * 100} %: ${Math.abs(growth) <= TARGETS.rssGrowth ? 'met' : 'MISSED'}; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
    },
  ];
}

function rssAfterHostileRuns(): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [RSS_CHILD]: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((text) => text.startsWith('[{'));
      if (line) {
        child.kill('SIGKILL');
        resolve(JSON.parse(line) as BenchRow[]);
      }
    });
    child.on('close', (code) =>
      reject(new Error(`the hostile-runs process ended (${code}) without a result`)),
    );
  });
}

const RSS_CHILD = 'HOST_BENCH_RSS_CHILD';
if (import.meta.main && process.env[RSS_CHILD]) {
  process.stdout.write(`${JSON.stringify(await hostileRunsInThisProcess())}\n`);
  // Wait to be killed (see rssAfterHostileRuns).
  setInterval(() => {}, 60_000);
}

export default async function (): Promise<BenchRow[]> {
  const idleDelays: number[][] = [];
  const delays = new Map<string, number[][]>(PATTERNS.map((pattern) => [pattern.name, []]));
  const durations = new Map<string, number[]>(PATTERNS.map((pattern) => [pattern.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const pattern of PATTERNS) {
      const { delays: seen, ms } = await runPattern(pattern);
      delays.get(pattern.name)?.push(seen);
      durations.get(pattern.name)?.push(ms);
      // The idle baseline: as long as the pattern's window, right after it.
      idleDelays.push(await idle(Math.min(ms, 3_000)));
    }
  }
  const rows: BenchRow[] = [delayRow('idle host (baseline)', idleDelays, '')];
  for (const pattern of PATTERNS) {
    const ms = durations.get(pattern.name) ?? [];
    rows.push(
      delayRow(
        `${SESSIONS} sessions: ${pattern.name}`,
        delays.get(pattern.name) ?? [],
        `; window median ${round(quantile(ms, 0.5))} ms`,
      ),
    );
  }
  if (!process.env.HOST_BENCH_SKIP_RSS) rows.push(...(await rssAfterHostileRuns()));
  return rows;
}

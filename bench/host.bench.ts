/**
 * What hostile sandboxed code costs the host: the host's event-loop delay (how late a 1 ms timer
 * fires, sampled all along) while 4 sessions run each hostile pattern at once, inline (isolates in
 * the host's process) and through the sandbox pool (isolates in a worker process), next to an idle
 * window measured in the same rounds (round robin: timers inline, timers pooled, idle, busy loop
 * inline, ...). Targets: p99 under 50 ms and no stall over 200 ms for every pattern. Then RSS after
 * 300 hostile runs, the out-of-memory kinds included, against its start, inline and pooled (parent
 * and workers together; see host-hostile-runs.ts). Target: back within 20 %. `npm run bench -- host`.
 */
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import { createSandboxPool } from '../src/sandbox/process/sandbox-pool.ts';
import type { RunResult, Sandbox, SandboxOptions } from '../src/sandbox/types.ts';
import { rssAfterHostileRuns } from './host-hostile-runs.ts';
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

type MakeSandbox = (options: SandboxOptions) => Sandbox;

async function runPattern(pattern: Pattern, make: MakeSandbox): Promise<{ delays: number[]; ms: number }> {
  const sessions: Sandbox[] = Array.from({ length: SESSIONS }, () =>
    make({
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

const MODES = ['inline', 'sandbox processes'] as const;

export default async function (): Promise<BenchRow[]> {
  const pool = createSandboxPool({ perProcess: 8, spare: 1 });
  const makers: Record<(typeof MODES)[number], MakeSandbox> = {
    inline: createSandbox,
    'sandbox processes': pool.createSandbox,
  };
  const key = (mode: string, pattern: Pattern) => `${mode}: ${pattern.name}`;
  const idleDelays: number[][] = [];
  const delays = new Map<string, number[][]>();
  const durations = new Map<string, number[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const pattern of PATTERNS) {
        let longest = 0;
        // Which mode goes first alternates, round by round.
        for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
          const { delays: seen, ms } = await runPattern(pattern, makers[mode]);
          delays.set(key(mode, pattern), [...(delays.get(key(mode, pattern)) ?? []), seen]);
          durations.set(key(mode, pattern), [...(durations.get(key(mode, pattern)) ?? []), ms]);
          longest = Math.max(longest, ms);
        }
        // The idle baseline: as long as the pattern's windows, right after them.
        idleDelays.push(await idle(Math.min(longest, 3_000)));
      }
    }
  } finally {
    await pool.close();
  }
  const rows: BenchRow[] = [delayRow('idle host (baseline)', idleDelays, '')];
  for (const pattern of PATTERNS) {
    for (const mode of MODES) {
      const ms = durations.get(key(mode, pattern)) ?? [];
      rows.push(
        delayRow(
          `${mode}, ${SESSIONS} sessions: ${pattern.name}`,
          delays.get(key(mode, pattern)) ?? [],
          `; window median ${round(quantile(ms, 0.5))} ms`,
        ),
      );
    }
  }
  if (!process.env.HOST_BENCH_SKIP_RSS) {
    rows.push(await rssAfterHostileRuns('inline'));
    rows.push(await rssAfterHostileRuns('pool'));
  }
  return rows;
}

/**
 * The `toolsmith` command's start-up, as a person starts it (`node src/cli/start.js`, what
 * bin/toolsmith.js runs): `--version`, and `run` to its first model call against the fake Messages
 * API on loopback. Each is timed round robin with a bare `node -e 0`, and `run` with itself without
 * the compile cache (NODE_DISABLE_COMPILE_CACHE=1) and with `--no-node-snapshot` (how it started before
 * its isolates moved to worker processes), as wall time and as the CPU time of the process and its
 * children (the sandbox workers), which other work on the machine does not inflate.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFakeAnthropic, type FakeAnthropic } from '../test/helpers/fake-anthropic.ts';
import { against, type BenchRow, rowOf } from './measure.ts';

const MAIN = path.resolve(import.meta.dirname, '../src/cli/start.js');
const FLAGS = ['--disable-warning=ExperimentalWarning'];
const ROUNDS = 4;
const PER_ROUND = 3;

interface Sample {
  wallUs: number;
  cpuUs: number;
}

/** CPU time of the children this process has waited for (utime + stime of reaped children), in us. */
function childrenCpuUs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return ticks * 10_000; // USER_HZ is 100 on Linux
}

/** Start `node FLAGS args`, resolve with its wall time to `ready` (default: its exit) and its CPU time. */
function timeChild(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  ready?: () => Promise<void>,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuUs();
    const start = performance.now();
    let wallUs: number | undefined;
    const child = spawn(process.execPath, [...FLAGS, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    void ready?.().then(() => {
      wallUs = (performance.now() - start) * 1000;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`node ${args.join(' ')}: exit ${code}\n${stderr}`));
      else
        resolve({ wallUs: wallUs ?? (performance.now() - start) * 1000, cpuUs: childrenCpuUs() - cpuBefore });
    });
  });
}

/** Every contender in turn, the order rotated each round; `samples[contender][round]`. */
async function roundRobinSamples(contenders: (() => Promise<Sample>)[]): Promise<Sample[][][]> {
  for (const run of contenders) await run(); // warm-up (and the compile cache filled)
  const samples = contenders.map(() => Array.from({ length: ROUNDS }, () => [] as Sample[]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = contenders.map((_, i) => (i + round) % contenders.length);
    for (let i = 0; i < PER_ROUND; i++)
      for (const index of order)
        samples[index]?.[round]?.push(await (contenders[index] as () => Promise<Sample>)());
  }
  return samples;
}

export default async function (): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-cli-bench-'));
  const fake: FakeAnthropic = await createFakeAnthropic({ apiKey: 'bench-key' });
  fake.replyWith(() => fake.text('done'));
  const runEnv = {
    ANTHROPIC_API_KEY: 'bench-key',
    ANTHROPIC_BASE_URL: fake.url,
    DATA_DIR: path.join(dir, 'data'),
    MCP_CONFIG: path.join(dir, 'no-mcp.json'),
  };
  const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
  // The first model call: the fake has one more request than before the process started.
  const firstCall = () => {
    const seen = fake.requests.length;
    return () =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (fake.requests.length > seen) {
            clearInterval(check);
            resolve();
          }
        }, 2);
      });
  };
  const contenders: { name: string; note: string; run: () => Promise<Sample> }[] = [
    { name: 'node -e 0', note: 'baseline: a bare Node start', run: () => timeChild(['-e', '0'], {}, dir) },
    {
      name: 'toolsmith --version',
      note: 'answered from the command table alone',
      run: () => timeChild([MAIN, '--version'], {}, dir),
    },
    {
      name: 'toolsmith --version, no compile cache',
      note: 'NODE_DISABLE_COMPILE_CACHE=1',
      run: () => timeChild([MAIN, '--version'], noCache, dir),
    },
    {
      name: 'toolsmith run, to the first model call',
      note: 'wall to the first request; CPU of the whole one-step run',
      run: () => timeChild([MAIN, 'run', 'hello'], runEnv, dir, firstCall()),
    },
    {
      name: 'toolsmith run, with --no-node-snapshot',
      note: "without Node's start-up snapshot",
      run: () => timeChild(['--no-node-snapshot', MAIN, 'run', 'hello'], runEnv, dir, firstCall()),
    },
    {
      name: 'toolsmith run, no compile cache',
      note: 'NODE_DISABLE_COMPILE_CACHE=1',
      run: () => timeChild([MAIN, 'run', 'hello'], { ...runEnv, ...noCache }, dir, firstCall()),
    },
  ];
  try {
    const samples = await roundRobinSamples(contenders.map((c) => c.run));
    const rows: BenchRow[] = [];
    for (const clock of ['wall', 'cpu'] as const) {
      const pick = (rounds: Sample[][] | undefined) =>
        (rounds ?? []).map((round) => round.map((s) => (clock === 'wall' ? s.wallUs : s.cpuUs)));
      const on = clock === 'cpu' ? ', CPU time' : '';
      const [base, ...others] = contenders.map((_, i) => pick(samples[i]));
      rows.push(rowOf(`cli: ${contenders[0]?.name}${on}`, base ?? [], contenders[0]?.note));
      others.forEach((sample, i) => {
        const contender = contenders[i + 1];
        if (contender) rows.push(against(`cli: ${contender.name}${on}`, base ?? [], sample, contender.note));
      });
    }
    return rows;
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

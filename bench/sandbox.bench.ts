/**
 * The sandbox's costs against the floors it is built on: a cold session (isolate, context, runtime,
 * 20 bindings, one run, dispose) against raw isolated-vm doing the least it can, a warm run, a host
 * call round trip against the same round trip in bare isolated-vm (and through the sandbox pool,
 * where the call crosses to the parent process and back, against inline), and a `node -e` subprocess per
 * snippet (what the sandbox saves). Each sandbox figure is timed round robin with its floor in rounds
 * (bench/measure.ts), so both see the same machine load; ratios are the median over the rounds of each
 * round's ratio of medians, with their range and how many rounds met the target. `npm run bench -- sandbox`.
 */
import { spawn } from 'node:child_process';
import ivm from 'isolated-vm';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import { runtimeSnapshot } from '../src/sandbox/isolate-session.ts';
import { createSandboxPool } from '../src/sandbox/process/sandbox-pool.ts';
import type { HostBindings, RunResult, SandboxProvider } from '../src/sandbox/types.ts';
import {
  against,
  type BenchRow,
  formatRatio,
  measure,
  overRounds,
  ratioOverRounds,
  round,
  roundRobin,
  roundsMeeting,
  rowOf,
  type Spread,
} from './measure.ts';

const TARGETS = { coldOverRaw: 1.5, roundTripUs: 40, subprocessOverCold: 15 };
const CALLS = 1000;

function twentyBindings(): SandboxProvider[] {
  const bindings: HostBindings = {};
  for (let i = 0; i < 20; i++) bindings[`server${i % 4}.tool${i}`] = (args) => args[0];
  return [{ namespace: 'tools', bindings }];
}

function check(result: RunResult, expected: unknown): void {
  if (!result.ok || result.data !== expected) throw new Error(`unexpected result: ${JSON.stringify(result)}`);
}

function rawSync(snapshot?: ivm.ExternalCopy<ArrayBuffer>): void {
  const isolate = new ivm.Isolate({ memoryLimit: 128, ...(snapshot ? { snapshot } : {}) });
  const context = isolate.createContextSync();
  const result: unknown = isolate.compileScriptSync('1+2').runSync(context);
  isolate.dispose();
  if (result !== 3) throw new Error('raw isolated-vm gave a wrong answer');
}

async function rawAsync(): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = await isolate.createContext();
  const script = await isolate.compileScript('1+2');
  const result: unknown = await script.run(context);
  isolate.dispose();
  if (result !== 3) throw new Error('raw isolated-vm gave a wrong answer');
}

/** The same round trip as a host binding, in bare isolated-vm: callback out, apply back. */
function rawRoundTrip(): { run: () => Promise<void>; dispose: () => void } {
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = isolate.createContextSync();
  let settle: ivm.Reference<(id: number, json: string) => void> | undefined;
  let finished: (() => void) | undefined;
  const call = (id: number, json: string) => {
    // The host parses the arguments and serializes a result, as the sandbox does.
    const args: unknown = JSON.parse(json);
    settle?.apply(undefined, [id, JSON.stringify(args)], { timeout: 1000 }).catch(() => undefined);
  };
  context.global.setSync('hostCall', new ivm.Callback(call, { ignored: true }));
  context.global.setSync('hostDone', new ivm.Callback(() => finished?.(), { ignored: true }));
  context.evalSync(`
    const pending = new Map(); let seq = 0;
    globalThis.settle = (id, json) => { const resolve = pending.get(id); pending.delete(id); resolve(JSON.parse(json)); };
    globalThis.call = (value) => new Promise((resolve) => { const id = ++seq; pending.set(id, resolve); hostCall(id, JSON.stringify([value])); });
    globalThis.loop = async () => { let sum = 0; for (let i = 0; i < ${CALLS}; i++) sum += (await call(1))[0]; hostDone(sum); };
  `);
  settle = context.global.getSync('settle', { reference: true });
  const loop: ivm.Reference<() => void> = context.global.getSync('loop', { reference: true });
  return {
    run: () =>
      new Promise<void>((resolve) => {
        finished = resolve;
        loop.applyIgnored(undefined, []);
      }),
    dispose: () => isolate.dispose(),
  };
}

function nodeSubprocess(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', 'console.log(1+2)'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && out.trim() === '3' ? resolve() : reject(new Error(`node -e: ${code} ${out}`)),
    );
  });
}

/** A ratio row: the figure's verdict against its target, round by round. */
function ratioRow(
  name: string,
  ratio: Spread,
  target: string,
  meets: (value: number) => boolean,
  base: BenchRow,
): BenchRow {
  return {
    name,
    medianUs: base.medianUs,
    runs: base.runs,
    ratio,
    note:
      target === 'informative'
        ? `${formatRatio(ratio)}; informative`
        : `${formatRatio(ratio)} (target ${target}): ${roundsMeeting(ratio, meets)}`,
  };
}

const perCall = (rounds: number[][]) => rounds.map((samples) => samples.map((us) => us / CALLS));

export default async function (): Promise<BenchRow[]> {
  const bindings = twentyBindings();
  const coldRun = async () => {
    const sandbox = createSandbox({ providers: bindings });
    check(await sandbox.run('return 1+2'), 3);
    sandbox.dispose();
  };
  // The runtime snapshot's raw start: what the runtime (console, Node-like formatting, timers, the
  // binding bridge) adds to a cold run before the sandbox does anything.
  const snapshot = runtimeSnapshot();
  const [rawSamples = [], coldSamples = [], rawAsyncSamples = [], runtimeSamples = []] = await roundRobin(
    [() => rawSync(), coldRun, rawAsync, () => rawSync(snapshot)],
    { rounds: 8, perRound: 25, warmup: 20 },
  );
  const raw = rowOf(
    'raw isolated-vm: Isolate + createContextSync + compileScriptSync 1+2 + runSync + dispose (baseline)',
    rawSamples,
  );
  const cold = against(
    'cold run: createSandbox + 20 bindings + run `return 1+2` + dispose',
    rawSamples,
    coldSamples,
  );
  const rawAsyncRow = rowOf(
    'raw isolated-vm, async API: createContext + compileScript + run',
    rawAsyncSamples,
  );
  const runtimeRow = against(
    'raw isolated-vm (sync API) started from the sandbox runtime snapshot',
    rawSamples,
    runtimeSamples,
  );

  const session = createSandbox({ providers: bindings });
  check(await session.run('return 1+2'), 3);
  const warm = await measure(
    'warm run on an existing session: `return 1+2`',
    async () => check(await session.run('return 1+2'), 3),
    { runs: 1000, warmup: 50 },
  );

  const loop = `let sum = 0;\nfor (let i = 0; i < ${CALLS}; i++) sum += await tools.server0.tool0(1);\nsum`;
  const floor = rawRoundTrip();
  const [floorSamples = [], tripSamples = []] = await roundRobin(
    [() => floor.run(), async () => check(await session.run(loop), CALLS)],
    { rounds: 6, perRound: 5, warmup: 3 },
  );
  floor.dispose();

  // The same loop with the isolate in a worker process: every call crosses to this process and back.
  const pool = createSandboxPool({ spare: 0 });
  const pooled = pool.createSandbox({ providers: bindings });
  check(await pooled.run('return 1+2'), 3);
  const [inlineTrips = [], pooledTrips = []] = await roundRobin(
    [async () => check(await session.run(loop), CALLS), async () => check(await pooled.run(loop), CALLS)],
    { rounds: 6, perRound: 3, warmup: 2 },
  );
  pooled.dispose();
  await pool.close();
  session.dispose();
  const pooledTrip = against(
    'host call round trip through the sandbox pool (IPC to the parent and back, per call; baseline: the same loop inline)',
    perCall(inlineTrips),
    perCall(pooledTrips),
    `+${round(overRounds(perCall(inlineTrips), perCall(pooledTrips), (b, s) => s - b).median, 1)} us per call`,
  );
  const roundTripFloor = rowOf(
    'raw isolated-vm round trip (callback out, apply back, per call; baseline)',
    perCall(floorSamples),
  );
  const roundTrip = against(
    `host call round trip (${CALLS} sequential awaited calls in one run, per call)`,
    perCall(floorSamples),
    perCall(tripSamples),
    `target <= ${TARGETS.roundTripUs} us`,
  );
  const roundTripUs = overRounds(perCall(floorSamples), perCall(tripSamples), (_base, trip) => trip);

  // What the sandbox saves: a `node -e` subprocess per snippet, against the cold run, round robin.
  const [coldAgain = [], subprocessSamples = []] = await roundRobin([coldRun, nodeSubprocess], {
    rounds: 5,
    perRound: 4,
    warmup: 2,
  });
  const subprocess = against(
    '`node -e` subprocess per snippet',
    coldAgain,
    subprocessSamples,
    'against a cold run',
  );

  const coldOverRaw = ratioOverRounds(rawSamples, coldSamples);
  const coldOverRawAsync = ratioOverRounds(rawAsyncSamples, coldSamples);
  const runtimeOverRaw = ratioOverRounds(rawSamples, runtimeSamples);
  const subprocessOverCold = ratioOverRounds(coldAgain, subprocessSamples);
  return [
    raw,
    rawAsyncRow,
    runtimeRow,
    cold,
    warm,
    roundTripFloor,
    roundTrip,
    pooledTrip,
    subprocess,
    ratioRow(
      'ratio cold / raw isolated-vm (sync API)',
      coldOverRaw,
      `<= ${TARGETS.coldOverRaw}`,
      (value) => value <= TARGETS.coldOverRaw,
      cold,
    ),
    ratioRow(
      'ratio cold / raw isolated-vm (async API)',
      coldOverRawAsync,
      `<= ${TARGETS.coldOverRaw}`,
      (value) => value <= TARGETS.coldOverRaw,
      cold,
    ),
    ratioRow(
      'ratio runtime snapshot / raw isolated-vm (sync API): the part of the cold ratio the runtime takes',
      runtimeOverRaw,
      'informative',
      () => true,
      runtimeRow,
    ),
    {
      name: 'round trip against the 40 us target',
      medianUs: roundTripUs.median,
      runs: roundTrip.runs,
      note: `per-round medians ${round(roundTripUs.low, 1)}-${round(roundTripUs.high, 1)} us (target <= ${TARGETS.roundTripUs} us): ${roundsMeeting(roundTripUs, (us) => us <= TARGETS.roundTripUs)}`,
    },
    ratioRow(
      'ratio round trip / raw round trip',
      ratioOverRounds(perCall(floorSamples), perCall(tripSamples)),
      'informative',
      () => true,
      roundTrip,
    ),
    ratioRow(
      'ratio subprocess / cold',
      subprocessOverCold,
      `>= ${TARGETS.subprocessOverCold}`,
      (value) => value >= TARGETS.subprocessOverCold,
      subprocess,
    ),
  ];
}

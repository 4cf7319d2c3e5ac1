/**
 * The sandbox's costs against the floors it is built on: a cold session (isolate, context, runtime,
 * 20 bindings, one run, dispose) against raw isolated-vm doing the least it can, a warm run, a host
 * call round trip against the same round trip in bare isolated-vm, and a `node -e` subprocess per
 * snippet (what the sandbox saves). Each sandbox figure is sampled alternately with its floor, so
 * both see the same machine load. `npm run bench -- sandbox`.
 */
import { spawn } from 'node:child_process';
import ivm from 'isolated-vm';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import { runtimeSnapshot } from '../src/sandbox/isolate-session.ts';
import type { HostBindings, RunResult, SandboxProvider } from '../src/sandbox/types.ts';
import { type BenchRow, measure, round, summarize } from './measure.ts';

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

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

/** Sample `a` and `b` alternately (after a warmup of both); returns both sample sets. */
async function interleaved(runs: number, warmup: number, a: () => unknown, b: () => unknown) {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    samples[0].push(await time(a));
    samples[1].push(await time(b));
  }
  return samples;
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

/**
 * Median of the ratios of samples taken side by side: each pair saw the same machine load, so the
 * figure holds even when this VM's speed drifts during the run (the ratio of medians is shown too).
 */
function pairedRatio(base: number[], sample: number[]): number {
  return summarize(sample.map((us, i) => us / (base[i] ?? Number.NaN))).medianUs;
}

function row(name: string, samples: number[], note?: string): BenchRow {
  return { name, ...summarize(samples), runs: samples.length, ...(note ? { note } : {}) };
}

function ratioRow(
  name: string,
  value: number,
  target: string,
  met: boolean,
  base: BenchRow,
  extra?: string,
): BenchRow {
  return {
    name,
    medianUs: base.medianUs,
    runs: base.runs,
    note: `${round(value)}x (target ${target}): ${met ? 'met' : 'MISSED'}${extra ? `; ${extra}` : ''}`,
  };
}

export default async function (): Promise<BenchRow[]> {
  const bindings = twentyBindings();
  const coldRun = async () => {
    const sandbox = createSandbox({ providers: bindings });
    check(await sandbox.run('return 1+2'), 3);
    sandbox.dispose();
  };

  const [rawSamples, coldSamples] = await interleaved(200, 200, () => rawSync(), coldRun);
  const raw = row(
    'raw isolated-vm: Isolate + createContextSync + compileScriptSync 1+2 + runSync + dispose',
    rawSamples,
  );
  const cold = row('cold run: createSandbox + 20 bindings + run `return 1+2` + dispose', coldSamples);
  const [rawAsyncSamples, coldAgain] = await interleaved(100, 10, rawAsync, coldRun);
  const rawAsyncRow = row('raw isolated-vm, async API: createContext + compileScript + run', rawAsyncSamples);
  // The same raw steps from the sandbox's runtime snapshot: what the runtime (console, Node-like
  // formatting, timers, the binding bridge) adds to a cold run before the sandbox does anything.
  const snapshot = runtimeSnapshot();
  const [rawAgain, runtimeSamples] = await interleaved(
    100,
    10,
    () => rawSync(),
    () => rawSync(snapshot),
  );
  const runtimeRow = row(
    'raw isolated-vm (sync API) started from the sandbox runtime snapshot',
    runtimeSamples,
  );

  const session = createSandbox({ providers: bindings });
  check(await session.run('return 1+2'), 3);
  const warm = await measure(
    'warm run on an existing session: `return 1+2`',
    async () => check(await session.run('return 1+2'), 3),
    {
      runs: 1000,
      warmup: 50,
    },
  );

  const loop = `let sum = 0;\nfor (let i = 0; i < ${CALLS}; i++) sum += await tools.server0.tool0(1);\nsum`;
  const floor = rawRoundTrip();
  const [floorSamples, tripSamples] = await interleaved(
    30,
    3,
    () => floor.run(),
    async () => check(await session.run(loop), CALLS),
  );
  floor.dispose();
  session.dispose();
  const perCall = (samples: number[]) => samples.map((us) => us / CALLS);
  const roundTrip = row(
    `host call round trip (${CALLS} sequential awaited calls in one run, per call)`,
    perCall(tripSamples),
    `target <= ${TARGETS.roundTripUs} us`,
  );
  const roundTripFloor = row(
    'raw isolated-vm round trip (callback out, apply back, per call)',
    perCall(floorSamples),
  );

  const subprocess = await measure('baseline: `node -e` subprocess per snippet', nodeSubprocess, {
    runs: 20,
    warmup: 2,
  });

  const coldOverRaw = pairedRatio(rawSamples, coldSamples);
  const coldOverRawAsync = pairedRatio(rawAsyncSamples, coldAgain);
  const runtimeOverRaw = pairedRatio(rawAgain, runtimeSamples);
  const ofMedians = (a: number, b: number) => `ratio of medians ${round(a / b)}x`;
  const subprocessOverCold = subprocess.medianUs / cold.medianUs;
  return [
    raw,
    rawAsyncRow,
    runtimeRow,
    cold,
    warm,
    roundTrip,
    roundTripFloor,
    subprocess,
    ratioRow(
      'ratio cold / raw isolated-vm (sync API), median of side-by-side pairs',
      coldOverRaw,
      `<= ${TARGETS.coldOverRaw}`,
      coldOverRaw <= TARGETS.coldOverRaw,
      cold,
      ofMedians(cold.medianUs, raw.medianUs),
    ),
    ratioRow(
      'ratio cold / raw isolated-vm (async API), median of side-by-side pairs',
      coldOverRawAsync,
      `<= ${TARGETS.coldOverRaw}`,
      coldOverRawAsync <= TARGETS.coldOverRaw,
      rawAsyncRow,
      ofMedians(summarize(coldAgain).medianUs, rawAsyncRow.medianUs),
    ),
    ratioRow(
      'ratio runtime snapshot / raw isolated-vm (sync API): the part of the cold ratio the runtime takes',
      runtimeOverRaw,
      'informative',
      true,
      runtimeRow,
      ofMedians(runtimeRow.medianUs, summarize(rawAgain).medianUs),
    ),
    ratioRow(
      'ratio round trip / 40 us target',
      roundTrip.medianUs / TARGETS.roundTripUs,
      '<= 1',
      roundTrip.medianUs <= TARGETS.roundTripUs,
      roundTrip,
    ),
    ratioRow(
      'ratio round trip / raw round trip',
      roundTrip.medianUs / roundTripFloor.medianUs,
      'informative',
      true,
      roundTrip,
    ),
    ratioRow(
      'ratio subprocess / cold',
      subprocessOverCold,
      `>= ${TARGETS.subprocessOverCold}`,
      subprocessOverCold >= TARGETS.subprocessOverCold,
      subprocess,
    ),
  ];
}

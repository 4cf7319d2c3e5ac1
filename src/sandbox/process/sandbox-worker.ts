/**
 * The child side of the sandbox pool: a worker process that runs the real inline sandboxes
 * (create-sandbox.ts) for the parent. Bindings are proxies that call the parent over IPC; the
 * parent serves them with the real host functions. Started by sandbox-pool.ts with a clean
 * environment, `--no-node-snapshot`, in a process group of its own; run directly, it serves its
 * parent at once.
 */
import { createSandbox } from '../create-sandbox.ts';
import { lostIsolates, runtimeSnapshot } from '../isolate-session.ts';
import { SerializedJson } from '../serialized-json.ts';
import type { HostCallContext, HostFunction, RunResult, Sandbox, SandboxProvider } from '../types.ts';
import { createLogStream } from './log-stream.ts';
import { lowerPriority } from './lower-priority.ts';
import { readParentMessage } from './parent-message.ts';
import type { ChildHealth, ChildMessage, ParentMessage } from './worker-protocol.ts';

type RunMessage = Extract<ParentMessage, { type: 'run' }>;

/** How long after a run its sandbox's figures are sent again (the heap read has come back by then). */
const STATS_DELAY_MS = 30;

/** The worker's nice value: the bot's own process comes first when CPU is short. */
const WORKER_NICE = 10;

/** How often the worker looks for isolates lost between runs. */
const HEALTH_CHECK_MS = 1000;

interface SandboxEntry {
  sandbox: Sandbox;
  /** The run in progress, or the last one (runs of one sandbox come one at a time). */
  runId: number;
  running: boolean;
  /** Providers of this sandbox's last run by content key (their bindings name this entry). */
  providers: Map<string, SandboxProvider>;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
  context: HostCallContext;
}

/** How the worker talks to its parent (the IPC channel; a test may hand in its own). */
export interface WorkerChannel {
  send(message: ChildMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
}

/** The worker's state: its sandboxes, the calls waiting for the parent, the runs that can be aborted. */
class SandboxWorker {
  readonly channel: WorkerChannel;
  readonly sandboxes = new Map<number, SandboxEntry>();
  readonly calls = new Map<number, PendingCall>();
  readonly pauses = new Map<number, () => void>();
  readonly aborts = new Map<number, AbortController>();
  callSeq = 0;

  constructor(channel: WorkerChannel) {
    this.channel = channel;
  }

  send(message: ChildMessage): void {
    this.channel.send(message);
  }
}

/** This process's health figures, sent with every result. */
export function healthNow(): ChildHealth {
  return { rssBytes: process.memoryUsage.rss(), lost: lostIsolates().count };
}

/** Serve the parent over `channel` (default: this process's IPC channel). */
export function startSandboxWorker(channel: WorkerChannel = processChannel()): void {
  lowerPriority(WORKER_NICE);
  // Build the runtime's snapshot now, so a warm spare's first session does not wait for it.
  runtimeSnapshot();
  const worker = new SandboxWorker(channel);
  channel.onMessage((raw) => {
    const message = readParentMessage(raw);
    if (message) handle(worker, message);
  });
  worker.send({ type: 'ready', pid: process.pid, health: healthNow() });
  watchLosses(worker);
}

/** An isolate can also be lost between runs (V8 collecting after one): say so without waiting for a run. */
function watchLosses(worker: SandboxWorker): void {
  let reported = 0;
  setInterval(() => {
    const health = healthNow();
    if (health.lost === reported) return;
    reported = health.lost;
    worker.send({ type: 'health', health });
  }, HEALTH_CHECK_MS).unref();
}

function processChannel(): WorkerChannel {
  // A child whose parent went away ends; with a lost isolate, only a signal ends it (see isolate-session.ts).
  process.on('disconnect', exitNow);
  return {
    send: (message) => {
      if (process.connected) process.send?.(message);
    },
    onMessage: (listener) => process.on('message', listener),
  };
}

function exitNow(): void {
  if (lostIsolates().count > 0) process.kill(process.pid, 'SIGKILL');
  process.exit(0);
}

function handle(worker: SandboxWorker, message: ParentMessage): void {
  switch (message.type) {
    case 'run':
      void serveRun(worker, message);
      return;
    case 'abort':
      worker.aborts.get(message.runId)?.abort();
      return;
    case 'dispose':
      worker.sandboxes.get(message.sandboxId)?.sandbox.dispose();
      worker.sandboxes.delete(message.sandboxId);
      return;
    case 'call-result':
      settleCall(worker, message);
      return;
    case 'evaluate':
      void evaluateFor(worker, message);
      return;
    case 'pause': {
      const call = worker.calls.get(message.callId);
      if (!call) return;
      const resumed = new Promise<void>((resolve) => worker.pauses.set(message.pauseId, resolve));
      call.context.pauseWall(resumed).catch(() => undefined);
      return;
    }
    case 'resume':
      worker.pauses.get(message.pauseId)?.();
      worker.pauses.delete(message.pauseId);
      return;
    case 'shutdown':
      for (const entry of worker.sandboxes.values()) entry.sandbox.dispose();
      exitNow();
  }
}

function settleCall(worker: SandboxWorker, message: Extract<ParentMessage, { type: 'call-result' }>): void {
  const call = worker.calls.get(message.callId);
  if (!call) return;
  worker.calls.delete(message.callId);
  if (message.ok) {
    call.resolve(message.json === undefined ? undefined : new SerializedJson(message.json));
    return;
  }
  let error = { name: 'Error', message: 'the host call failed' };
  try {
    const parsed: unknown = JSON.parse(message.json ?? '');
    if (parsed && typeof parsed === 'object' && 'message' in parsed && 'name' in parsed)
      error = { name: String(parsed.name), message: String(parsed.message) };
  } catch {
    // keep the generic error
  }
  call.reject(Object.assign(new Error(error.message), { name: error.name }));
}

async function evaluateFor(worker: SandboxWorker, message: Extract<ParentMessage, { type: 'evaluate' }>) {
  const call = worker.calls.get(message.callId);
  try {
    if (!call) throw new Error('the call that asked for this script has ended');
    await call.context.evaluate({ code: message.code, filename: message.filename });
    worker.send({ type: 'evaluated', requestId: message.requestId, ok: true });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    worker.send({ type: 'evaluated', requestId: message.requestId, ok: false, message: text });
  }
}

/** A binding that asks the parent to run the real host function, for the run in progress. */
function proxyBinding(worker: SandboxWorker, entry: SandboxEntry): HostFunction {
  return (args, context) =>
    new Promise((resolve, reject) => {
      const callId = ++worker.callSeq;
      worker.calls.set(callId, { resolve, reject, context });
      context.signal.addEventListener(
        'abort',
        () => {
          if (worker.calls.delete(callId)) reject(new Error('the run ended'));
        },
        { once: true },
      );
      worker.send({ type: 'call', runId: entry.runId, callId, name: context.name, args });
    });
}

function providerOf(worker: SandboxWorker, entry: SandboxEntry, given: RunMessage['providers'][number]) {
  const known = entry.providers.get(given.key);
  if (known) return known;
  const { descriptor } = given;
  const proxy = proxyBinding(worker, entry);
  const provider: SandboxProvider = {
    namespace: descriptor.namespace,
    bindings: Object.fromEntries(descriptor.bindings.map((name) => [name, proxy])),
  };
  const prelude = descriptor.prelude;
  if (prelude) {
    provider.prelude = {
      file: new URL(prelude.href),
      ...(prelude.data === undefined ? {} : { data: prelude.data }),
      ...(prelude.globals ? { globals: prelude.globals } : {}),
    };
  }
  return provider;
}

/** The providers of a run, the same objects as last time where nothing changed; only these are kept. */
function providersOf(
  worker: SandboxWorker,
  entry: SandboxEntry,
  given: RunMessage['providers'],
): SandboxProvider[] {
  const kept = new Map<string, SandboxProvider>();
  for (const one of given) kept.set(one.key, providerOf(worker, entry, one));
  entry.providers = kept;
  return [...kept.values()];
}

async function serveRun(worker: SandboxWorker, message: RunMessage): Promise<void> {
  let entry = worker.sandboxes.get(message.sandboxId);
  if (!entry) {
    entry = {
      sandbox: createSandbox({ limits: message.limits }),
      runId: message.runId,
      running: true,
      providers: new Map(),
    };
    worker.sandboxes.set(message.sandboxId, entry);
  }
  entry.runId = message.runId;
  entry.running = true;
  const controller = new AbortController();
  if (message.aborted) controller.abort();
  worker.aborts.set(message.runId, controller);
  const logs = createLogStream((entries) => worker.send({ type: 'logs', runId: message.runId, entries }));
  const resetsBefore = entry.sandbox.stats().resets;
  let result: RunResult;
  try {
    const providers = providersOf(worker, entry, message.providers);
    result = await entry.sandbox.run(message.code, {
      providers,
      limits: message.runLimits,
      signal: controller.signal,
      ...(message.streamLogs ? { onLog: logs.add } : {}),
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    result = { ok: false, logs: [], error: { name: 'Error', message: text }, durationMs: 0 };
  } finally {
    worker.aborts.delete(message.runId);
    entry.running = false;
  }
  logs.flush();
  const stats = entry.sandbox.stats();
  worker.send({
    type: 'result',
    runId: message.runId,
    result,
    stats,
    isolateLost: stats.resets > resetsBefore,
    health: healthNow(),
  });
  sendFreshStats(worker, message.sandboxId, entry);
}

/** The heap figure is refreshed asynchronously: send it again once fresh, unless another run began. */
function sendFreshStats(worker: SandboxWorker, sandboxId: number, entry: SandboxEntry): void {
  const runId = entry.runId;
  setTimeout(() => {
    if (entry.running || entry.runId !== runId || worker.sandboxes.get(sandboxId) !== entry) return;
    worker.send({ type: 'stats', sandboxId, stats: entry.sandbox.stats() });
  }, STATS_DELAY_MS).unref();
}

if (import.meta.main) startSandboxWorker();

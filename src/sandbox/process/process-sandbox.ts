/**
 * A `Sandbox` whose isolate lives in a worker process of the pool. It keeps the inline sandbox's
 * contract: runs one at a time, `run` never throws for what code does, `stateReset` on the run after
 * the state was lost, `stats()` at once (the last figures the child reported, plus those of the
 * processes it lived in before). A sandbox that needs a fresh isolate and lives in a draining
 * process moves to a healthy one; one whose process died starts over in a healthy one.
 */
import { UsageError } from '../../errors.ts';
import { flattenBindings } from '../install-providers.ts';
import { RunQueue } from '../run-queue.ts';
import { definedOnly, sessionLimits } from '../sandbox-limits.ts';
import type {
  RunOptions,
  RunResult,
  Sandbox,
  SandboxLimits,
  SandboxOptions,
  SandboxProvider,
  SandboxStats,
} from '../types.ts';
import { type RemoteOutcome, RemoteRun } from './remote-run.ts';
import type { WorkerProcess } from './worker-process.ts';
import type { ParentMessage } from './worker-protocol.ts';

/** What a process sandbox needs of its pool. */
export interface SandboxHome {
  nextId(): number;
  /** A healthy process with room for one more sandbox, started if need be; its later figures go to `onStats`. */
  place(sandboxId: number, onStats: (stats: SandboxStats) => void): Promise<WorkerProcess>;
  /** The sandbox left `worker` (its isolate there is disposed); a draining process left empty ends. */
  release(worker: WorkerProcess, sandboxId: number): void;
  /** The providers of a run as the child gets them (descriptors with their content key). */
  describe(providers: readonly SandboxProvider[]): RunProviders;
  /** How long past a run's own limits its process may stay silent before it is killed as hung. */
  readonly hangGraceMs: number;
  /** Look at the health a child reported (taint, RSS cap). */
  checkHealth(worker: WorkerProcess): void;
}

/** The providers of a run message. */
export type RunProviders = Extract<ParentMessage, { type: 'run' }>['providers'];

const ZERO: SandboxStats = { runs: 0, cpuTimeMs: 0, heapUsedBytes: 0, resets: 0 };

/** The tail of the child's message for a lost isolate counts what its process may still lose; here it moves. */
const PROCESS_COUNTDOWN =
  /: this process can lose \d+ more sandbox(?:es)? this way before it must be restarted$/;

export class ProcessSandbox implements Sandbox {
  readonly limits: SandboxLimits;
  readonly #id: number;
  readonly #home: SandboxHome;
  readonly #providers: SandboxOptions['providers'];
  #worker: WorkerProcess | undefined;
  /** The child holds a live isolate for this sandbox. */
  #live = false;
  #lostState = false;
  #disposed = false;
  readonly #queue = new RunQueue();
  /** Figures of the processes this sandbox lived in before, and of the current one. */
  #past: SandboxStats = { ...ZERO };
  #last: SandboxStats = { ...ZERO };

  constructor(home: SandboxHome, options: SandboxOptions = {}) {
    this.limits = sessionLimits(options.limits);
    this.#home = home;
    this.#id = home.nextId();
    this.#providers = options.providers;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** The pid of the process this sandbox's isolate lives in (undefined before its first run). */
  get pid(): number | undefined {
    return this.#worker?.pid;
  }

  run(code: string, options: RunOptions = {}): Promise<RunResult> {
    return this.#queue.run(this.#disposed, code, () => this.#runNow(code, options));
  }

  async reset(): Promise<void> {
    await this.#queue.drained(this.#disposed);
    this.#leave(false);
    this.#lostState = false;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#leave(false);
  }

  stats(): SandboxStats {
    return {
      runs: this.#past.runs + this.#last.runs,
      cpuTimeMs: this.#past.cpuTimeMs + this.#last.cpuTimeMs,
      heapUsedBytes: this.#live ? this.#last.heapUsedBytes : 0,
      resets: this.#past.resets + this.#last.resets,
    };
  }

  /** Leave the current process: its figures become past ones; `lost` when the isolate died with it. */
  #leave(lost: boolean): void {
    const worker = this.#worker;
    if (!worker) return;
    this.#past = { ...this.stats(), heapUsedBytes: 0 };
    if (this.#live) this.#past.resets++;
    this.#last = { ...ZERO };
    if (this.#live && lost) this.#lostState = true;
    this.#live = false;
    this.#worker = undefined;
    this.#home.release(worker, this.#id);
  }

  /** The process to run in: the current one, unless a fresh isolate is needed and it takes none. */
  async #placed(): Promise<WorkerProcess> {
    const worker = this.#worker;
    if (worker?.exited) this.#leave(true);
    else if (worker && !this.#live && !worker.accepting) this.#leave(false);
    if (this.#worker) return this.#worker;
    const placed = await this.#home.place(this.#id, (stats) => {
      if (this.#worker === placed) this.#last = stats;
    });
    if (this.#disposed) {
      this.#home.release(placed, this.#id);
      throw new UsageError('run() on a disposed sandbox');
    }
    this.#worker = placed;
    return placed;
  }

  async #runNow(code: string, options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const providers = options.providers ?? this.#providersNow();
    // Checked before anything starts: a bad provider throws, as inline.
    const bindings = flattenBindings(providers);
    const described = this.#home.describe(providers);
    const worker = await this.#placed();
    const stateReset = this.#lostState && !this.#live;
    this.#lostState = false;
    const runLimits = { ...this.limits, ...definedOnly(options.limits ?? {}) };
    const run = new RemoteRun({
      id: this.#home.nextId(),
      host: worker,
      bindings,
      onLog: options.onLog,
      deadlineMs: Math.max(runLimits.wallMs, runLimits.timeoutMs) + this.#home.hangGraceMs,
    });
    const onAbort = () => worker.send({ type: 'abort', runId: run.id });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.startRun(run, {
      type: 'run',
      sandboxId: this.#id,
      runId: run.id,
      code,
      limits: this.limits,
      runLimits: definedOnly(options.limits ?? {}),
      providers: described,
      streamLogs: options.onLog !== undefined,
      aborted: options.signal?.aborted === true,
    });
    try {
      const outcome = await run.outcome;
      const result = this.#settle(worker, outcome, started);
      return stateReset && !result.stateReset ? { ...result, stateReset } : result;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Take in a run's outcome: figures, health, and a move when the isolate is gone from a draining process. */
  #settle(worker: WorkerProcess, outcome: RemoteOutcome, started: number): RunResult {
    if (outcome.kind === 'ended') {
      // The child counted this run in figures it never sent.
      if (this.#worker === worker) this.#last = { ...this.#last, runs: this.#last.runs + 1 };
      if (this.#worker === worker) this.#leave(true);
      const message = `the sandbox process ended (${outcome.reason}); variables from earlier runs are gone`;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      return { ok: false, logs: outcome.logs, error: { name: 'Error', message }, durationMs };
    }
    const result = outcome.result;
    if (this.#worker === worker) {
      this.#last = outcome.stats;
      this.#live = !outcome.isolateLost;
      this.#home.checkHealth(worker);
      if (!this.#live && !worker.accepting) this.#leave(false);
      if (outcome.isolateLost) this.#lostState = true;
    }
    const error = result.error;
    if (error && outcome.health.lost > 0 && PROCESS_COUNTDOWN.test(error.message)) {
      error.message = error.message.replace(
        PROCESS_COUNTDOWN,
        '; the next run starts in a fresh sandbox process',
      );
    }
    return result;
  }

  #providersNow(): SandboxProvider[] {
    const providers = this.#providers;
    return typeof providers === 'function' ? providers() : (providers ?? []);
  }
}

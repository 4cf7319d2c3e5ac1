/**
 * One worker process of the sandbox pool, seen from the parent: started with a clean environment in
 * a process group of its own, it runs the sandboxes placed on it. Every message it sends is parsed
 * with zod and tied to a run that is still going, or refused. A process that lost an isolate
 * (tainted) or grew past its RSS cap is draining: no new isolate goes to it, and it is killed with
 * its group once its last sandbox has left. Its handles hold the parent's event loop only while it
 * is starting or has work in flight, so an idle pool never keeps the process alive.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { getCompileCacheDir } from 'node:module';
import type { Socket } from 'node:net';
import { ServiceError } from '../../errors.ts';
import type { SandboxStats, TrustedScript } from '../types.ts';
import type { RemoteRun } from './remote-run.ts';
import {
  type ChildHealth,
  type ChildMessage,
  ChildMessageSchema,
  type ParentMessage,
} from './worker-protocol.ts';

export interface WorkerProcessOptions {
  /** The child's entry module (sandbox-worker.ts). */
  file: URL;
  /** The child's whole environment. */
  env: Record<string, string>;
  nextId(): number;
  /** A message refused (wrong shape, or for a run or binding it has no right to). */
  onRefused(pid: number, what: string): void;
  /** A line for an operator (what a process said before it ended on its own). */
  log(message: string): void;
  /** The process reported its health between runs. */
  onHealth(worker: WorkerProcess): void;
  /** The process ended (for whatever reason). */
  onExit(worker: WorkerProcess): void;
}

/** A process not ready by then is killed (its sandboxes' runs fail with the reason). */
const START_TIMEOUT_MS = 30_000;

/** Characters of a child's stderr kept, for the reason it ended. */
const STDERR_TAIL = 2000;

interface Evaluation {
  resolve(): void;
  reject(error: Error): void;
}

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Sandboxes placed here (by the pool's sandbox ids), each with where its later figures go. */
  readonly sandboxes = new Map<number, (stats: SandboxStats) => void>();
  readonly runs = new Map<number, RemoteRun>();
  readonly #evaluations = new Map<number, Evaluation>();
  readonly #options: WorkerProcessOptions;
  #queue: ParentMessage[] | undefined = [];
  #markReady: () => void = () => {};
  #failStart: (error: Error) => void = () => {};
  #held = true;
  health: ChildHealth = { rssBytes: 0, lost: 0 };
  /** Why it takes no new isolate ('tainted' after a lost isolate, 'rss' past its cap), if it does not. */
  draining: 'tainted' | 'rss' | undefined;
  exited = false;
  /** Why the pool ended it, for the runs that were still going. */
  #killedBecause: string | undefined;
  #stderr = '';

  constructor(options: WorkerProcessOptions) {
    this.#options = options;
    this.ready = new Promise((resolve, reject) => {
      this.#markReady = resolve;
      this.#failStart = reject;
    });
    this.ready.catch(() => undefined);
    this.child = fork(options.file, [], {
      // The parent's compile cache, when it has one: every start loads the same sandbox modules.
      env: withCompileCache(options.env),
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      detached: true,
      // V8's own out-of-memory report goes to stderr: kept (its tail) for the reason of an unexpected end.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    // A pipe's handle would hold the parent's event loop; the process handle and channel decide.
    (this.child.stderr as Socket | null)?.unref();
    this.child.on('message', (raw: unknown) => this.#onMessage(raw));
    this.child.on('exit', (code, signal) => this.#onExit(code, signal));
    this.child.on('error', () => undefined);
    setTimeout(() => {
      if (this.#queue) this.kill(`it was not ready within ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS).unref();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Takes new isolates: alive, not draining. */
  get accepting(): boolean {
    return !this.exited && this.draining === undefined && this.#killedBecause === undefined;
  }

  send(message: ParentMessage): void {
    if (this.exited) return;
    if (this.#queue) {
      this.#queue.push(message);
      return;
    }
    try {
      this.child.send(message);
    } catch {
      // the channel closed: the exit event fails what is in flight
    }
  }

  /** Start a run here; its outcome comes with the child's result or the child's end. */
  startRun(run: RemoteRun, message: Extract<ParentMessage, { type: 'run' }>): void {
    this.runs.set(run.id, run);
    this.#hold();
    void run.outcome.then(() => {
      this.runs.delete(run.id);
      this.#letGo();
    });
    if (this.exited) run.fail(this.#endReason(null, null));
    else this.send(message);
  }

  /** Evaluate a trusted script in the session of the call `callId` (the library loader's way in). */
  evaluate(callId: number, script: TrustedScript): Promise<void> {
    const requestId = this.#options.nextId();
    return new Promise<void>((resolve, reject) => {
      if (this.exited) {
        reject(new Error('the sandbox process ended'));
        return;
      }
      this.#evaluations.set(requestId, { resolve, reject });
      this.#hold();
      this.send({ type: 'evaluate', callId, requestId, code: script.code, filename: script.filename });
    });
  }

  /** End the process and its group now (a parked isolate thread would never let it exit). */
  kill(because: string): void {
    this.#killedBecause ??= because;
    if (this.exited) return;
    // Held until the exit event, so whoever awaits the end sees it.
    this.#hold();
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** Ask the process to end, and kill it if it has not after `graceMs` (or at once when tainted). */
  async close(graceMs: number, because = 'the sandbox pool closed'): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.draining === 'tainted' || this.#queue) {
      this.kill(because);
    } else {
      this.#killedBecause ??= because;
      this.#hold();
      this.send({ type: 'shutdown' });
      const timer = setTimeout(() => this.kill(because), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  }

  #hold(): void {
    if (this.#held || this.exited) return;
    this.#held = true;
    this.child.ref();
    this.child.channel?.ref();
  }

  /**
   * Let the parent exit without this process when nothing waits on it; never once it is being ended
   * (its end is awaited, and a message it sent before the kill, e.g. its 'ready', may still come).
   */
  #letGo(): void {
    if (!this.#held || this.runs.size > 0 || this.#evaluations.size > 0 || this.#queue) return;
    if (this.#killedBecause !== undefined) return;
    this.#held = false;
    this.child.unref();
    this.child.channel?.unref();
  }

  /** A message refused: reported, never acted on. */
  refuse(what: string): void {
    this.#options.onRefused(this.pid, what);
  }

  nextId(): number {
    return this.#options.nextId();
  }

  #onMessage(raw: unknown): void {
    const parsed = ChildMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.refuse(`a message of the wrong shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.health = message.health;
      this.#flushQueue();
      return;
    }
    if (message.type === 'evaluated') {
      this.#settleEvaluation(message);
      return;
    }
    if (message.type === 'health') {
      this.health = message.health;
      this.#options.onHealth(this);
      return;
    }
    if (message.type === 'stats') {
      const onStats = this.sandboxes.get(message.sandboxId);
      if (onStats) onStats(message.stats);
      else this.refuse(`figures of sandbox ${message.sandboxId}, which is not placed here`);
      return;
    }
    this.#forRun(message);
  }

  #forRun(message: Extract<ChildMessage, { runId: number }>): void {
    const run = this.runs.get(message.runId);
    if (!run || run.ended) {
      this.refuse(`a ${message.type} message for run ${message.runId}, which is not running here`);
      return;
    }
    if (message.type === 'logs') run.onLogs(message.entries);
    else if (message.type === 'call') run.onCall(message);
    else {
      this.health = message.health;
      run.end({
        kind: 'result',
        result: message.result,
        stats: message.stats,
        isolateLost: message.isolateLost,
        health: message.health,
      });
    }
  }

  #settleEvaluation(message: Extract<ChildMessage, { type: 'evaluated' }>): void {
    const evaluation = this.#evaluations.get(message.requestId);
    if (!evaluation) {
      this.refuse(`an answer to evaluation ${message.requestId}, which nobody asked for`);
      return;
    }
    this.#evaluations.delete(message.requestId);
    if (message.ok) evaluation.resolve();
    else evaluation.reject(new Error(message.message ?? 'the script failed'));
    this.#letGo();
  }

  #flushQueue(): void {
    const queued = this.#queue;
    if (!queued) return;
    this.#queue = undefined;
    for (const message of queued) this.send(message);
    this.#markReady();
    this.#letGo();
  }

  #endReason(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.#killedBecause) return this.#killedBecause;
    if (signal) return `killed by ${signal}`;
    return `exit code ${code ?? 'unknown'}`;
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const reason = this.#endReason(code, signal);
    const said = this.#stderr.trim();
    if (said && !this.#killedBecause)
      this.#options.log(`sandbox process ${this.pid} ended (${reason}): ${said}`);
    this.#failStart(
      new ServiceError(
        'sandbox',
        `the sandbox process could not start (${reason})${said ? `: ${said}` : ''}`,
        {
          fix: 'Run `toolsmith doctor`; check that isolated-vm is installed for this Node (npm ci)',
        },
      ),
    );
    for (const run of this.runs.values()) run.fail(reason);
    for (const evaluation of this.#evaluations.values())
      evaluation.reject(new Error('the sandbox process ended'));
    this.#evaluations.clear();
    this.#queue = undefined;
    this.#options.onExit(this);
  }
}

/** `env` plus the parent's compile cache folder (not a secret), so a child reuses what was compiled. */
function withCompileCache(env: Record<string, string>): Record<string, string> {
  const dir = getCompileCacheDir();
  return dir ? { ...env, NODE_COMPILE_CACHE: dir } : env;
}

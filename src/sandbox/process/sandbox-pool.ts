/**
 * Sandboxes in recycled worker processes. isolated-vm runs isolates in the process that made them,
 * and an out-of-memory V8 cannot recover from parks the isolate's thread with its heap until that
 * process ends (it cannot even exit on its own). So the app's sandboxes live in child processes:
 * several per child, one warm spare so a new session never waits for a start, a child that lost
 * an isolate (or grew past its RSS cap) takes no new isolate and is killed with its process group
 * once its last sandbox has left. The parent never runs an isolate, so it always exits cleanly.
 */
import { ServiceError, UsageError } from '../../errors.ts';
import type { Sandbox, SandboxOptions, SandboxProvider, SandboxStats } from '../types.ts';
import { ProcessSandbox, type RunProviders, type SandboxHome } from './process-sandbox.ts';
import { WorkerProcess } from './worker-process.ts';
import type { ProviderDescriptor } from './worker-protocol.ts';

export interface SandboxPoolOptions {
  /** Sandboxes (sessions) placed on one process at most (default 8). */
  perProcess?: number;
  /** A process whose RSS passes this many MB takes no new sandbox and ends once empty (default 1024). */
  maxRssMb?: number;
  /** Idle processes kept started, ready for new sessions (default 1; 0 starts them on demand). */
  spare?: number;
  /**
   * With no spare: a new sandbox starts a process as it is made (see `warm`), not at its first run,
   * so the process starts while the model thinks (the terminal, with its one session; default false).
   */
  warmOnCreate?: boolean;
  /**
   * The whole environment of the worker processes (default: none; the app gives `workerEnvFrom` of
   * its config's: PATH, LANG and TZ). They need nothing else: never put a secret here.
   */
  env?: Record<string, string>;
  /** How long a process may take to end after being asked, before SIGKILL (default 1000 ms). */
  closeGraceMs?: number;
  /**
   * How long past a run's own limits (wall clock, CPU) a process may stay silent before it is killed
   * as hung, its runs failing with the reason (default 10 000 ms).
   */
  hangGraceMs?: number;
  /** The worker's entry module (default sandbox-worker.ts); tests hand in a hostile one. */
  workerFile?: URL;
  /** Lines for an operator: refused messages, processes recycled. */
  log?: (message: string) => void;
}

/** One worker process, for `toolsmith status` and the benchmarks. */
export interface SandboxProcessStatus {
  pid: number;
  sandboxes: number;
  rssBytes: number;
  /** It lost an isolate beyond recovery: it ends once its last sandbox has left. */
  tainted: boolean;
  /** It passed its RSS cap: it ends once its last sandbox has left. */
  recycling: boolean;
}

export interface SandboxPool {
  /** Make a sandbox whose isolate lives in a worker process (a drop-in for `createSandbox`). */
  createSandbox(options?: SandboxOptions): Sandbox;
  status(): SandboxProcessStatus[];
  /**
   * Start a process now unless one taking sandboxes has room for another, so a new session's first run
   * does not wait for a start (what `warmOnCreate` does for each new sandbox).
   */
  warm(): void;
  /** Messages from children that were refused (wrong shape, not their run, not their binding). */
  readonly refused: number;
  /** End every process (asked first, then SIGKILL to its group); sandboxes' runs end with an error. */
  close(): Promise<void>;
}

const WORKER_FILE = new URL('./sandbox-worker.ts', import.meta.url);

/** A pool of sandbox processes; see SandboxPoolOptions for the defaults. */
export function createSandboxPool(options: SandboxPoolOptions = {}): SandboxPool {
  return new Pool(options);
}

/** Variables a worker process gets from its parent's environment: none of them holds a secret. */
const WORKER_ENV_KEYS = ['PATH', 'LANG', 'TZ'] as const;

/**
 * The environment of the worker processes, picked from `env` (the config's): enough to find programs
 * and format dates, nothing else, so no key or token of the parent is readable in a child.
 */
export function workerEnvFrom(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of WORKER_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

class Pool implements SandboxPool, SandboxHome {
  readonly #workers: WorkerProcess[] = [];
  readonly #perProcess: number;
  readonly #maxRssBytes: number;
  readonly #spare: number;
  readonly #env: Record<string, string>;
  readonly #graceMs: number;
  readonly hangGraceMs: number;
  readonly #file: URL;
  readonly #log: (message: string) => void;
  /** Providers as descriptors with their content key, made once per provider object. */
  readonly #descriptors = new WeakMap<SandboxProvider, { key: string; descriptor: ProviderDescriptor }>();
  readonly #warmOnCreate: boolean;
  #ids = 0;
  #refused = 0;
  #closed = false;

  constructor(options: SandboxPoolOptions) {
    this.#perProcess = options.perProcess ?? 8;
    this.#maxRssBytes = (options.maxRssMb ?? 1024) * 1024 * 1024;
    this.#spare = options.spare ?? 1;
    this.#warmOnCreate = options.warmOnCreate ?? false;
    this.#env = options.env ?? {};
    this.#graceMs = options.closeGraceMs ?? 1000;
    this.hangGraceMs = options.hangGraceMs ?? 10_000;
    this.#file = options.workerFile ?? WORKER_FILE;
    this.#log = options.log ?? (() => undefined);
    if (!Number.isInteger(this.#perProcess) || this.#perProcess < 1)
      throw new ServiceError('sandbox', 'the pool needs room for at least one sandbox per process');
  }

  get refused(): number {
    return this.#refused;
  }

  createSandbox = (options: SandboxOptions = {}): Sandbox => {
    if (this.#closed) throw new ServiceError('sandbox', 'the sandbox pool is closed');
    const sandbox = new ProcessSandbox(this, options);
    if (this.#warmOnCreate) this.warm();
    this.#keepSpare();
    return sandbox;
  };

  warm(): void {
    if (this.#closed) return;
    if (!this.#workers.some((worker) => worker.accepting && worker.sandboxes.size < this.#perProcess))
      this.#start();
  }

  status(): SandboxProcessStatus[] {
    return this.#workers
      .filter((worker) => !worker.exited)
      .map((worker) => ({
        pid: worker.pid,
        sandboxes: worker.sandboxes.size,
        rssBytes: worker.health.rssBytes,
        tainted: worker.draining === 'tainted',
        recycling: worker.draining === 'rss',
      }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((worker) => worker.close(this.#graceMs)));
  }

  nextId(): number {
    return ++this.#ids;
  }

  async place(sandboxId: number, onStats: (stats: SandboxStats) => void): Promise<WorkerProcess> {
    if (this.#closed) throw new ServiceError('sandbox', 'the sandbox pool is closed');
    const open = this.#workers.filter(
      (worker) => worker.accepting && worker.sandboxes.size < this.#perProcess,
    );
    // Fill a process already in use before taking the spare, so processes stay few.
    const worker = open.find((candidate) => candidate.sandboxes.size > 0) ?? open[0] ?? this.#start();
    worker.sandboxes.set(sandboxId, onStats);
    this.#keepSpare();
    await worker.ready;
    return worker;
  }

  release(worker: WorkerProcess, sandboxId: number): void {
    if (!worker.sandboxes.delete(sandboxId)) return;
    worker.send({ type: 'dispose', sandboxId });
    this.#endIfDrained(worker);
    // A healthy process left empty beyond the spares is ended too: sessions come and go.
    if (worker.accepting && worker.sandboxes.size === 0 && this.#idle().length > this.#spare) {
      void worker.close(this.#graceMs, 'ended as a spare too many');
    }
  }

  describe(providers: readonly SandboxProvider[]): RunProviders {
    return providers.map((provider) => {
      let known = this.#descriptors.get(provider);
      if (!known) {
        const descriptor = descriptorOf(provider);
        known = { key: JSON.stringify(descriptor), descriptor };
        this.#descriptors.set(provider, known);
      }
      return known;
    });
  }

  checkHealth(worker: WorkerProcess): void {
    if (worker.draining) return;
    if (worker.health.lost > 0) {
      worker.draining = 'tainted';
      this.#log(
        `sandbox process ${worker.pid} lost an isolate beyond recovery; it ends once its sandboxes leave`,
      );
    } else if (worker.health.rssBytes > this.#maxRssBytes) {
      worker.draining = 'rss';
      this.#log(`sandbox process ${worker.pid} passed its RSS cap; it ends once its sandboxes leave`);
    }
    if (worker.draining) {
      this.#endIfDrained(worker);
      this.#keepSpare();
    }
  }

  #endIfDrained(worker: WorkerProcess): void {
    if (worker.draining && worker.sandboxes.size === 0) worker.kill(`recycled (${worker.draining})`);
  }

  /** Start a process now if no accepting one is idle (and spares are wanted). */
  #keepSpare(): void {
    if (this.#closed || this.#spare === 0) return;
    for (let i = this.#idle().length; i < this.#spare; i++) this.#start();
  }

  /** Processes that take new sandboxes and hold none. */
  #idle(): WorkerProcess[] {
    return this.#workers.filter((worker) => worker.accepting && worker.sandboxes.size === 0);
  }

  #start(): WorkerProcess {
    const worker = new WorkerProcess({
      file: this.#file,
      env: this.#env,
      nextId: () => this.nextId(),
      log: (message) => this.#log(message),
      onRefused: (pid, what) => {
        this.#refused++;
        this.#log(`sandbox process ${pid} sent ${what}; refused`);
      },
      onHealth: (reported) => this.checkHealth(reported),
      onExit: (ended) => {
        const index = this.#workers.indexOf(ended);
        if (index >= 0) this.#workers.splice(index, 1);
      },
    });
    this.#workers.push(worker);
    return worker;
  }
}

/**
 * What the child needs to rebuild a provider: names of its bindings, its prelude by file. Its data
 * must survive the copy to the child (JSON data does; a function does not: a UsageError, as inline).
 */
function descriptorOf(provider: SandboxProvider): ProviderDescriptor {
  const prelude = provider.prelude;
  try {
    structuredClone(prelude?.data);
  } catch (error) {
    throw new UsageError(
      `the prelude data of sandbox provider ${provider.namespace} cannot be copied to a sandbox process (${error instanceof Error ? error.message : String(error)}); pass JSON data`,
    );
  }
  return {
    namespace: provider.namespace,
    bindings: Object.keys(provider.bindings),
    ...(prelude
      ? {
          prelude: {
            href: prelude.file.href,
            ...(prelude.data === undefined ? {} : { data: prelude.data }),
            ...(prelude.globals ? { globals: prelude.globals } : {}),
          },
        }
      : {}),
  };
}

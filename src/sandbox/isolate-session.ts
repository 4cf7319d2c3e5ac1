/**
 * One isolate and one context with the runtime (console, timers, binding bridge) installed.
 * The isolate talks to the host only through one fire-and-forget callback (`host(kind, runId, ...)`);
 * the host drives it through one Reference (`api(op, ...)`) that never enters the isolate.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import { ServiceError } from '../errors.ts';
import { loadRuntimeModule } from './runtime-module.ts';
import type { LogLevel } from './types.ts';
import { webVendorSource } from './web-vendor.ts';

/** What the session reports to its owner; every call names the run it belongs to. */
export interface SessionHooks {
  onCall(runId: number, callId: number, name: string, argsJson: string): void;
  /** One console line; with level 'batch', `text` is a JSON array of level, line, level, line, ... */
  onLog(runId: number, level: LogLevel | 'batch', text: string): void;
  /** The run's earliest timer is due in `ms`; `pending` timers are set in all. */
  onTimer(runId: number, op: 'wake', pending: number, ms: number): void;
  onDone(runId: number, resultJson: string): void;
  /**
   * V8 ran out of memory in a way isolated-vm cannot turn into an error (e.g. growing a huge Map):
   * the isolate's thread is parked for good and the isolate must never be touched again.
   */
  onCatastrophe(message: string): void;
}

const RUNTIME_FILENAME = 'toolsmith:runtime';

/** Most timers one run may have pending at once; one more is a RangeError where it is set. */
export const MAX_PENDING_TIMERS = 10_000;

/**
 * Isolates lost to an out-of-memory error V8 cannot recover from (a Map, a Set or an object grown to
 * millions of keys asks for one allocation larger than what is left). isolated-vm then parks the
 * isolate's thread for good, with its heap: about the memory limit and two threads stay taken until
 * the process ends. Past MAX_LOST_ISOLATES such losses no new isolate is started, so what stays
 * taken is bounded; the error says to restart. Counted per process, as isolated-vm's threads are.
 */
export const MAX_LOST_ISOLATES = 3;

export interface LostIsolates {
  /** Isolates lost so far in this process. */
  count: number;
  /** Their memory limits added up: about what stays taken until the process ends. */
  heldMb: number;
}

const lost: LostIsolates = { count: 0, heldMb: 0 };

/** How many isolates this process has lost beyond recovery (for health checks and benchmarks). */
export function lostIsolates(): LostIsolates {
  return { ...lost };
}

/** Exercises the runtime once so that the snapshot holds its functions compiled. */
const WARMUP = `
  const api = __toolsmith_boot(() => {}, 20000, 1000000, 10000);
  console.log('%s %d %i %j %o %O', { a: [1, 'x', new Map([[1, new Set([2n])]])], d: new Date(0), r: /x/g, f() {} }, 5, 6, [1], { o: 1 }, [2]);
  console.table([{ a: 1, b: 'two' }]);
  try { null.x; } catch (error) { console.log(error, { error }); }
  api('execute', async () => ({ list: Array.from({ length: 12 }, (_, i) => i), text: 'a\\nb' }), 1);
`;

interface Runtime {
  /** Scripts defining `globalThis.__toolsmith_boot(host, limits...)`, which wires a context. */
  scripts: { code: string; filename: string }[];
  /** A V8 snapshot with the runtime already evaluated, when isolated-vm can make one. */
  snapshot: ivm.ExternalCopy<ArrayBuffer> | undefined;
}

let runtime: Runtime | undefined;

/**
 * The bundled web libraries (URL, SHA digests: see web-vendor.ts), handed to a context the first
 * time its code uses them. Kept out of the snapshot: every isolate starts from it, most never use
 * them, and 330 KB more of snapshot made every cold start slower.
 */
let vendorSource: string | undefined;
const vendorCallback = new ivm.Callback(() => {
  vendorSource ??= `${webVendorSource()}\n//# sourceURL=toolsmith:web-vendor`;
  return vendorSource;
});

/**
 * crypto.getRandomValues inside the isolate: `n` bytes (at most 64 KiB) from node:crypto's CSPRNG,
 * as a latin1 string. Synchronous, as getRandomValues is; the runtime asks for 4 KiB at a time.
 */
const randomSource = new ivm.Callback((n: unknown) => {
  const size = typeof n === 'number' && Number.isInteger(n) && n > 0 ? Math.min(n, 65_536) : 0;
  return randomBytes(size).toString('latin1');
});

/**
 * The runtime, built once per process: new isolates start from a snapshot that already holds it
 * (evaluated and compiled), so a fresh session only wires its callbacks into a new context.
 */
function loadRuntime(): Runtime {
  if (runtime === undefined) {
    const read = (name: string) =>
      readFileSync(new URL(`./runtime/${name}`, import.meta.url), 'utf8')
        .replace(/^(\s*\/\/.*\n)+/, '')
        .trim()
        .replace(/;$/, '');
    // The clip helper is the host's own file (src/text/clip.ts), loaded as a runtime module.
    const clip = loadRuntimeModule(new URL('../text/clip.ts', import.meta.url)).source;
    // The web globals (see runtime/web-*.js), given the bundled libraries they use.
    const web = `(() => {
      const dom = (${read('web-events.js')})(globalThis);
      (${read('web-encoding.js')})(globalThis);
      const web = (${read('web-globals.js')})(globalThis, dom);
      const crypto = (${read('web-crypto.js')})(globalThis, dom, web.loadVendor);
      return {
        start(random, origin, vendorSource) { web.start(origin, vendorSource); crypto.start(random); },
      };
    })()`;
    const scripts = [
      {
        code: `globalThis.__toolsmith_boot = (${read('bootstrap.js')})(${read('inspect.js')}, ${clip}, ${web});`,
        filename: RUNTIME_FILENAME,
      },
    ];
    let snapshot: ivm.ExternalCopy<ArrayBuffer> | undefined;
    try {
      snapshot = ivm.Isolate.createSnapshot(scripts, WARMUP);
    } catch {
      // No snapshot support: each context evaluates the runtime instead (slower, same behaviour).
      snapshot = undefined;
    }
    runtime = { scripts, snapshot };
  }
  return runtime;
}

/** The snapshot new isolates start from (undefined where isolated-vm cannot make one); for the benchmarks. */
export function runtimeSnapshot(): ivm.ExternalCopy<ArrayBuffer> | undefined {
  return loadRuntime().snapshot;
}

/** What the host asks of the runtime (the function `boot` returns takes the name, then the arguments). */
export type RuntimeOp = 'execute' | 'settle' | 'fire' | 'end';
type RuntimeEntry = (op: RuntimeOp, ...args: unknown[]) => unknown;

export interface IsolateSessionOptions {
  memoryMb: number;
  maxOutputChars: number;
  hooks: SessionHooks;
}

export class IsolateSession {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  /** The runtime's entry: `(op, ...args)`, see RuntimeOp. */
  readonly api: ivm.Reference<RuntimeEntry>;
  #disposed = false;
  #broken = false;
  #inFlight = 0;
  #entered = false;
  #heapUsed = 0;
  #lastCpuMs = 0;

  constructor(options: IsolateSessionOptions) {
    const { hooks } = options;
    if (lost.count >= MAX_LOST_ISOLATES) {
      throw new ServiceError(
        'sandbox',
        `${lost.count} sandboxes ran out of memory in a way V8 cannot recover from (a Map, Set or object grown to millions of keys); their threads and about ${lost.heldMb} MB stay taken until this process ends, so no new sandbox is started`,
        { fix: 'Restart toolsmith to free them (a process manager can restart it on exit)' },
      );
    }
    const { scripts, snapshot } = loadRuntime();
    // Without this handler such an out-of-memory error aborts the whole process. With it, the
    // isolate is lost (its memory too, until the process ends) but the host goes on.
    this.isolate = new ivm.Isolate({
      memoryLimit: options.memoryMb,
      ...(snapshot ? { snapshot } : {}),
      onCatastrophicError: (message: string) => {
        if (!this.#broken) {
          lost.count++;
          lost.heldMb += options.memoryMb;
        }
        this.#broken = true;
        hooks.onCatastrophe(message);
      },
    });
    this.context = this.isolate.createContextSync();
    if (!snapshot) {
      for (const { code, filename } of scripts) this.context.evalSync(code, { filename, timeout: 2000 });
    }
    // The arguments after the run id are those of the hook `kind` names (see runtime/bootstrap.js).
    const host = new ivm.Callback(
      (kind: string, runId: number, a: never, b: never, c: never) => {
        if (kind === 'call') hooks.onCall(runId, a, b, c);
        else if (kind === 'log') hooks.onLog(runId, a, b);
        else if (kind === 'timer') hooks.onTimer(runId, a, b, c);
        else if (kind === 'done') hooks.onDone(runId, a);
      },
      { ignored: true },
    );
    const boot: ivm.Reference<(...args: unknown[]) => RuntimeEntry> = this.context.global.getSync(
      '__toolsmith_boot',
      { reference: true },
    );
    const api: ivm.Reference<RuntimeEntry> = boot.applySync(
      undefined,
      [host, options.maxOutputChars, 1_000_000, MAX_PENDING_TIMERS, randomSource, vendorCallback],
      { result: { reference: true }, timeout: 2000 },
    );
    boot.release();
    this.api = api;
  }

  /**
   * Run `api(op, ...args)` in the isolate asynchronously (tracked, see `track`). isolated-vm records
   * the caller's JavaScript stack for every asynchronous call, and summarizing optimized frames costs
   * more than the rest of a host call's round trip on the host side (~5 us); a promise reaction that
   * calls the bound `apply` leaves no JavaScript frame to record. Its errors are read for their
   * message only.
   */
  enter(op: RuntimeOp, args: unknown[], timeout: number): Promise<unknown> {
    if (!this.#entered) {
      // The last moment a synchronous read is safe: a starting figure for heapUsed().
      this.#heapUsed = this.isolate.getHeapStatisticsSync().used_heap_size;
      this.#entered = true;
    }
    const api = this.api;
    return this.track(
      Promise.resolve().then(api.apply.bind(api, undefined, [op, ...(args as never[])], { timeout })),
    );
  }

  /**
   * Track an asynchronous call into the isolate. While none is in flight the isolate is idle, and
   * a synchronous call (compiling, defining) returns at once instead of blocking the host thread.
   */
  track<T>(call: Promise<T>): Promise<T> {
    this.#inFlight++;
    const done = () => {
      this.#inFlight--;
    };
    call.then(done, done);
    return call;
  }

  /**
   * True only before the session's first entry: a synchronous call then cannot meet a parked
   * thread. After code has run, V8 may still be working on its heap between entries (a GC task),
   * and if that work hits an out-of-memory V8 cannot recover from, the thread is parked holding the
   * isolate's lock: a synchronous call would block the host's event loop for good (seen in the
   * host bench). So from then on every call into the isolate is asynchronous.
   */
  get idle(): boolean {
    return this.#inFlight === 0 && !this.#entered;
  }

  get disposed(): boolean {
    return this.#disposed || this.#broken || this.isolate.isDisposed;
  }

  /** Evaluate trusted setup code (a prelude) in the context. */
  evalSetup(code: string, filename: string): void {
    this.context.evalSync(code, { filename, timeout: 2000 });
  }

  /**
   * Heap in use: read synchronously only before the first entry (see idle); after that, the latest
   * figure, with a fresh one asked for asynchronously, so a parked thread can never block the host.
   */
  heapUsed(): number {
    if (this.disposed) return 0;
    if (!this.#entered) return this.isolate.getHeapStatisticsSync().used_heap_size;
    this.isolate.getHeapStatistics().then(
      (statistics) => {
        this.#heapUsed = statistics.used_heap_size;
      },
      () => undefined,
    );
    return this.#heapUsed;
  }

  /** CPU time used so far; after disposal, the last value read (isolated-vm forgets it). */
  cpuTimeMs(): number {
    if (this.isolate.isDisposed || this.#broken) return this.#lastCpuMs;
    try {
      this.#lastCpuMs = Number(this.isolate.cpuTime) / 1e6;
    } catch {
      // disposed in the meantime (memory limit)
    }
    return this.#lastCpuMs;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.cpuTimeMs();
    this.#disposed = true;
    // Disposing the isolate releases the context and every reference into it at once.
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

/**
 * One isolate and one context with the runtime (console, timers, binding bridge) installed.
 * The isolate talks to the host only through four fire-and-forget callbacks; the host drives it
 * through References that never enter the isolate.
 */
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import type { LogLevel } from './types.ts';

/** What the session reports to its owner; every call names the run it belongs to. */
export interface SessionHooks {
  onCall(runId: number, callId: number, name: string, argsJson: string): void;
  onLog(runId: number, level: LogLevel, text: string): void;
  onTimer(runId: number, op: 'set' | 'clear', timerId: number, ms: number): void;
  onDone(runId: number, resultJson: string): void;
  /**
   * V8 ran out of memory in a way isolated-vm cannot turn into an error (e.g. growing a huge Map):
   * the isolate's thread is parked for good and the isolate must never be touched again.
   */
  onCatastrophe(message: string): void;
}

const RUNTIME_FILENAME = 'toolsmith:runtime';
const HOST_CALLBACKS = ['call', 'log', 'timer', 'done'] as const;

let runtimeSource: string | undefined;
let runtimeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

function loadRuntimeSource(): string {
  if (runtimeSource === undefined) {
    const read = (name: string) =>
      readFileSync(new URL(`./runtime/${name}`, import.meta.url), 'utf8')
        .replace(/^(\s*\/\/.*\n)+/, '')
        .trim()
        .replace(/;$/, '');
    const host = HOST_CALLBACKS.map((name) => `${name}: globalThis.__toolsmith_${name}`).join(', ');
    runtimeSource = `(${read('bootstrap.js')})(${read('inspect.js')}, { ${host} }, globalThis.__toolsmith_limits)`;
  }
  return runtimeSource;
}

/** The functions `runtime/bootstrap.js` returns, as seen from the host. */
interface RuntimeApi {
  execute(fn: unknown, runId: number): void;
  settle(id: number, ok: boolean, payload: string | undefined): void;
  fire(id: number): void;
  setBindings(namesJson: string): void;
  endRun(runId: number): number;
}

export interface IsolateSessionOptions {
  memoryMb: number;
  maxOutputChars: number;
  hooks: SessionHooks;
}

export class IsolateSession {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly execute: ivm.Reference<RuntimeApi['execute']>;
  readonly settle: ivm.Reference<RuntimeApi['settle']>;
  readonly fire: ivm.Reference<RuntimeApi['fire']>;
  readonly setBindings: ivm.Reference<RuntimeApi['setBindings']>;
  readonly endRun: ivm.Reference<RuntimeApi['endRun']>;
  #disposed = false;
  #broken = false;
  #lastCpuMs = 0;

  constructor(options: IsolateSessionOptions) {
    const { hooks } = options;
    // Without this handler such an out-of-memory error aborts the whole process. With it, the
    // isolate is lost (its memory too, until the process ends) but the host goes on.
    this.isolate = new ivm.Isolate({
      memoryLimit: options.memoryMb,
      onCatastrophicError: (message: string) => {
        this.#broken = true;
        hooks.onCatastrophe(message);
      },
    });
    this.context = this.isolate.createContextSync();
    const global = this.context.global;
    const host = {
      call: new ivm.Callback(
        (runId: number, id: number, name: string, json: string) => hooks.onCall(runId, id, name, json),
        {
          ignored: true,
        },
      ),
      log: new ivm.Callback(
        (runId: number, level: LogLevel, text: string) => hooks.onLog(runId, level, text),
        {
          ignored: true,
        },
      ),
      timer: new ivm.Callback(
        (runId: number, op: 'set' | 'clear', id: number, ms: number) => hooks.onTimer(runId, op, id, ms),
        { ignored: true },
      ),
      done: new ivm.Callback((runId: number, json: string) => hooks.onDone(runId, json), { ignored: true }),
    };
    for (const name of HOST_CALLBACKS) global.setSync(`__toolsmith_${name}`, host[name]);
    global.setSync(
      '__toolsmith_limits',
      new ivm.ExternalCopy({ maxOutputChars: options.maxOutputChars, maxDataChars: 1_000_000 }).copyInto({
        release: true,
      }),
    );
    const source = loadRuntimeSource();
    const script: ivm.Script & ivm.CachedDataResult = this.isolate.compileScriptSync(source, {
      filename: RUNTIME_FILENAME,
      ...(runtimeCache ? { cachedData: runtimeCache } : { produceCachedData: true }),
    });
    if (!runtimeCache && script.cachedData) runtimeCache = script.cachedData;
    const api: ivm.Reference<RuntimeApi> = script.runSync(this.context, { reference: true, timeout: 2000 });
    script.release();
    this.execute = api.getSync('execute', { reference: true });
    this.settle = api.getSync('settle', { reference: true });
    this.fire = api.getSync('fire', { reference: true });
    this.setBindings = api.getSync('setBindings', { reference: true });
    this.endRun = api.getSync('endRun', { reference: true });
    api.release();
  }

  get disposed(): boolean {
    return this.#disposed || this.#broken || this.isolate.isDisposed;
  }

  /** Evaluate trusted setup code (a prelude) in the context. */
  evalSetup(code: string, filename: string): void {
    this.context.evalSync(code, { filename, timeout: 2000 });
  }

  heapUsed(): number {
    if (this.disposed) return 0;
    return this.isolate.getHeapStatisticsSync().used_heap_size;
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
    for (const ref of [this.execute, this.settle, this.fire, this.setBindings, this.endRun]) {
      try {
        ref.release();
      } catch {
        // already released with the isolate
      }
    }
    try {
      this.context.release();
    } catch {
      // already gone
    }
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

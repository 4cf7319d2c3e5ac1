/**
 * The sandbox: one isolate + context per session, kept across runs (like a notebook kernel), with
 * limits on memory, CPU time, wall-clock (awaited host calls included), output and pending calls.
 * `run` never throws for anything the code does: every fault comes back as data in a RunResult.
 */
import { UsageError } from '../errors.ts';
import { compileErrorOf, normalizeError } from './error-normalizer.ts';
import { flattenBindings, type Installed, planProviders } from './install-providers.ts';
import { hasIsolateFlag, ISOLATE_FLAG } from './isolate-flag.ts';
import { IsolateSession } from './isolate-session.ts';
import { IMPORT_NAMESPACE } from './libraries/catalog.ts';
import { clip } from './output-buffer.ts';
import { CODE_FILENAME, prepareCode } from './prepare-code.ts';
import { RunQueue } from './run-queue.ts';
import { createRun, type Run } from './run-state.ts';
import { definedOnly, sessionLimits } from './sandbox-limits.ts';
import { processScriptCache, type ScriptCache } from './script-cache.ts';
import type {
  RunOptions,
  RunResult,
  Sandbox,
  SandboxLimits,
  SandboxOptions,
  SandboxProvider,
  SandboxStats,
  TrustedScript,
} from './types.ts';

/** A run that imports in a sandbox without the library loader. */
const NO_IMPORTS = {
  name: 'SyntaxError',
  message:
    'import is not available in this sandbox (it has no library loader); tools are in scope as `tools.<server>.<tool>()` without an import',
};

export { DEFAULT_LIMITS } from './sandbox-limits.ts';

/**
 * Create a sandbox session. The isolate is created lazily on the first run. `scriptCache` holds the
 * compiled preludes and libraries (default: the process's one, shared by every session).
 */
export function createSandbox(
  options: SandboxOptions = {},
  scriptCache: ScriptCache = processScriptCache,
): Sandbox {
  if (!hasIsolateFlag())
    throw new UsageError(
      `isolates in this process need Node started with ${ISOLATE_FLAG} on its command line (isolated-vm on Node 20+): add the flag, or keep SANDBOX_WORKERS=process`,
    );
  return new IsolateSandbox(options, scriptCache);
}

class IsolateSandbox implements Sandbox {
  readonly limits: SandboxLimits;
  readonly #providers: SandboxOptions['providers'];
  readonly #cache: ScriptCache;
  #session: IsolateSession | undefined;
  /** What the current session's context has installed (forgotten with the session). */
  #installed: Installed = new Map();
  #lostState = false;
  #disposed = false;
  #current: Run | undefined;
  readonly #queue = new RunQueue();
  #runSeq = 0;
  #runs = 0;
  #resets = 0;
  #cpuMsOfPast = 0;

  constructor(options: SandboxOptions, cache: ScriptCache) {
    this.limits = sessionLimits(options.limits);
    this.#providers = options.providers;
    this.#cache = cache;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  run(code: string, options: RunOptions = {}): Promise<RunResult> {
    return this.#queue.run(this.#disposed, code, () => this.#runNow(code, options));
  }

  async reset(): Promise<void> {
    await this.#queue.drained(this.#disposed);
    this.#dropSession();
    this.#lostState = false;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#current?.abort('dispose');
    this.#dropSession();
  }

  stats(): SandboxStats {
    const session = this.#session;
    return {
      runs: this.#runs,
      cpuTimeMs: this.#cpuMsOfPast + (session ? session.cpuTimeMs() : 0),
      heapUsedBytes: session ? session.heapUsed() : 0,
      resets: this.#resets,
    };
  }

  #dropSession(): void {
    const session = this.#session;
    if (!session) return;
    // Disposing reads the CPU time one last time; the session remembers it.
    session.dispose();
    this.#cpuMsOfPast += session.cpuTimeMs();
    this.#session = undefined;
    this.#installed = new Map();
    this.#resets++;
  }

  #ensureSession(): { session: IsolateSession; fresh: boolean } {
    if (this.#session?.disposed) {
      this.#dropSession();
      this.#lostState = true;
    }
    if (this.#session) return { session: this.#session, fresh: false };
    const session = new IsolateSession({
      memoryMb: this.limits.memoryMb,
      maxOutputChars: this.limits.maxOutputChars,
      hooks: {
        onCall: (runId, callId, name, json) =>
          this.#current?.id === runId && this.#current.onCall(callId, name, json),
        onLog: (runId, level, text) => this.#current?.id === runId && this.#current.onLog(level, text),
        onTimer: (runId, op, id, ms) => this.#current?.id === runId && this.#current.onTimer(op, id, ms),
        onDone: (runId, json) => this.#current?.id === runId && this.#current.onDone(json),
        // Only a run on this very session is ended; a dropped session may report late.
        onCatastrophe: () => this.#session === session && this.#current?.onCatastrophe(),
      },
    });
    this.#session = session;
    return { session, fresh: true };
  }

  #providersNow(): SandboxProvider[] {
    const providers = this.#providers;
    return typeof providers === 'function' ? providers() : (providers ?? []);
  }

  /** A trusted script (a library) run in the session's context, compiled from the process's cache. */
  async #evaluate(session: IsolateSession, script: TrustedScript): Promise<void> {
    if (session.disposed) throw new Error('the sandbox was reset');
    const compiled = await this.#cache.compile(session.isolate, script.code, script.filename, false);
    try {
      await session.track(compiled.run(session.context, { timeout: this.limits.timeoutMs }));
    } finally {
      compiled.release();
    }
  }

  async #runNow(code: string, options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    this.#runs++;
    const prepared = prepareCode(code);
    const { session, fresh } = this.#ensureSession();
    const stateReset = fresh && this.#lostState;
    this.#lostState = false;
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const withReset = (result: RunResult): RunResult => (stateReset ? { ...result, stateReset } : result);

    if (!prepared.ok) {
      const error =
        prepared.probe === undefined
          ? prepared.error
          : await betterSyntaxError(session, prepared.probe, prepared.error);
      return withReset({ ok: false, logs: [], error, durationMs: elapsed() });
    }
    const providers = options.providers ?? this.#providersNow();
    const bindings = flattenBindings(providers);
    const imports = prepared.prepared.imports;
    if (imports && !providers.some((provider) => provider.namespace === IMPORT_NAMESPACE)) {
      return withReset({ ok: false, logs: [], error: { ...NO_IMPORTS, ...imports }, durationMs: elapsed() });
    }
    const plan = planProviders(this.#installed, providers);
    const limits = { ...this.limits, ...definedOnly(options.limits ?? {}) };
    const run = createRun({
      id: ++this.#runSeq,
      session,
      bindings,
      ...(plan.specs ? { provide: plan.specs } : {}),
      evaluate: (script) => this.#evaluate(session, script),
      limits,
      prepared: prepared.prepared,
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    this.#current = run;
    const onAbort = () => run.abort('signal');
    if (options.signal?.aborted) run.abort('signal');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await run.start();
      // The changes went in with the run's code; a run that ended early sends them again next time.
      if (!outcome.finalError) plan.commit();
      if (outcome.disposeIsolate || session.disposed) {
        this.#dropSession();
        this.#lostState = true;
      }
      const value = outcome.value === undefined ? undefined : clip(outcome.value, limits.maxOutputChars);
      const result: RunResult = {
        ok: false,
        logs: outcome.logs.entries(),
        durationMs: elapsed(),
      };
      if (value) result.value = value.text;
      if (outcome.data !== undefined) result.data = outcome.data;
      if (outcome.finalError) result.error = outcome.finalError;
      else if (outcome.rawError) result.error = normalizeError(outcome.rawError, prepared.prepared);
      result.ok = result.error === undefined;
      if (outcome.logs.truncated || (value && value.cut > 0)) result.truncated = true;
      return withReset(result);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.#current = undefined;
    }
  }
}

/** V8's own message for a syntax error reads better than the parser's; fall back to the parser's. */
async function betterSyntaxError(
  session: IsolateSession,
  code: string,
  fallback: { name: string; message: string; line?: number; column?: number },
): Promise<RunResult['error']> {
  if (fallback.line === undefined) return fallback;
  try {
    const source = `(async function () {\n${code}\n})`;
    const options = { filename: CODE_FILENAME, lineOffset: -1 };
    const probe = session.idle
      ? session.isolate.compileScriptSync(source, options)
      : await session.track(session.isolate.compileScript(source, options));
    probe.release();
  } catch (error) {
    const v8 = compileErrorOf(error);
    const lines = code.split('\n');
    if (v8.line !== undefined && v8.line > lines.length) {
      // V8 tripped on the wrapper's closing brace: the code itself ended too early.
      const last = lines[lines.length - 1] ?? '';
      return {
        name: 'SyntaxError',
        message: 'Unexpected end of input',
        line: lines.length,
        column: last.length + 1,
      };
    }
    if (v8.line !== undefined) return { ...v8, name: 'SyntaxError' };
  }
  return fallback;
}

export type { Sandbox } from './types.ts';

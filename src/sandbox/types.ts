/** The sandbox contract: what the agent loop, the tool hub and the skill library rely on. */

/** Limits of one sandbox session. Every field has a safe default. */
export interface SandboxLimits {
  /** Isolate heap limit in MB (default 128). */
  memoryMb: number;
  /** CPU time per run in ms (default 10 000). */
  timeoutMs: number;
  /** Wall-clock per run in ms, awaited host calls included (default 60 000). */
  wallMs: number;
  /** Max characters of logs, and separately of the rendered value (default 20 000); head and tail kept. */
  maxOutputChars: number;
  /** Max host calls pending at once (default 256). */
  maxPendingCalls: number;
}

/**
 * A host function exposed inside the isolate. Arguments arrive as plain copied data; the
 * return value is copied back. Throwing (or rejecting) becomes an Error thrown inside the isolate.
 * `signal` aborts when the run ends (wall limit, reset, dispose).
 */
export type HostFunction = (args: unknown[], context: HostCallContext) => unknown;

export interface HostCallContext {
  /** The name the function was bound under, e.g. `tools.github.searchIssues`. */
  name: string;
  signal: AbortSignal;
}

/**
 * Host functions by dotted path: `{ 'tools.web.fetch': fn, 'sleepy': fn }` defines
 * `globalThis.tools.web.fetch` and `globalThis.sleepy` inside the isolate.
 */
export type HostBindings = Record<string, HostFunction>;

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** Functions callable from sandboxed code; may be replaced later with `bind()`. */
  bindings?: HostBindings;
  /**
   * Plain JavaScript evaluated in every fresh context after the bindings, e.g. error classes or
   * lazily-defined skills. Runs again after a reset.
   */
  prelude?: string;
}

export interface RunOptions {
  /** Overrides of the session limits for this run only. */
  limits?: Partial<Pick<SandboxLimits, 'timeoutMs' | 'wallMs'>>;
  /** Stops the run: the isolate is disposed and the next run gets a fresh one. */
  signal?: AbortSignal;
  /** Called with each console line as it is written (for live progress). */
  onLog?: (entry: LogEntry) => void;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface LogEntry {
  level: LogLevel;
  text: string;
}

/** Which limit was hit, when one was. */
export type LimitName = 'memory' | 'cpu' | 'wall' | 'output' | 'pending-calls' | 'aborted';

export interface RunError {
  name: string;
  message: string;
  /** 1-based line in the submitted code. */
  line?: number;
  /** 1-based column in the submitted code. */
  column?: number;
  /** Only frames of the submitted code. */
  stack?: string;
  /** Set when a sandbox limit ended the run. */
  limit?: LimitName;
}

/** The outcome of one run. `run` never throws for anything the code does. */
export interface RunResult {
  ok: boolean;
  /** The returned (or last-expression) value, rendered like Node's util.inspect. */
  value?: string;
  /** The value as JSON-compatible data when it could be copied out, for programmatic use. */
  data?: unknown;
  /** Console output, one entry per call, rendered. */
  logs: LogEntry[];
  error?: RunError;
  durationMs: number;
  /** True when logs or value were cut to fit the output limit. */
  truncated?: boolean;
  /** True when this run started on a fresh isolate because the previous one was disposed. */
  stateReset?: boolean;
}

export interface SandboxStats {
  runs: number;
  /** CPU time used by the isolate, all runs, in ms. */
  cpuTimeMs: number;
  heapUsedBytes: number;
  /** Times the isolate was replaced (reset, memory, wall limit, abort). */
  resets: number;
}

export interface Sandbox {
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Replace the host bindings (takes effect in the current context at once). */
  bind(bindings: HostBindings): void;
  /** Throw away all state: a fresh isolate and context. */
  reset(): Promise<void>;
  dispose(): void;
  stats(): SandboxStats;
  readonly limits: SandboxLimits;
  readonly disposed: boolean;
}

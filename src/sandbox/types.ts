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
  /** The full name the function was bound under, e.g. `tools.github.searchIssues`. */
  name: string;
  signal: AbortSignal;
  /**
   * Evaluate a trusted script in the calling session's context (the library loader's way in: no
   * data crosses, the script defines what it defines). Compiled code is cached by `cacheKey`.
   */
  evaluate(script: TrustedScript): Promise<void>;
  /**
   * Wait for a person (an approval) without spending the run's wall-clock limit: the wall timer is
   * paused until `waiting` settles (the CPU limit is not). Resolves or rejects like `waiting`.
   */
  pauseWall<T>(waiting: Promise<T>): Promise<T>;
}

/** A script the host evaluates in a session's context (compiled once per process, then from cache). */
export interface TrustedScript {
  code: string;
  /** Shown in stack frames; `toolsmith:` names are hidden from the agent's stacks. */
  filename: string;
}

/**
 * Host functions by dotted path inside one provider's namespace: `{ 'web.fetch': fn }` in the
 * provider `tools` defines `tools.web.fetch`; the key `''` makes the namespace itself a function.
 */
export type HostBindings = Record<string, HostFunction>;

/**
 * Code that runs inside the isolate for a provider: a checked runtime file (TypeScript, stripped at
 * load, self-contained: type imports only) whose exported function `prelude(api, data, kit)` gets
 * the provider's bindings as a tree of async functions and returns the namespace's value.
 */
export interface ProviderPrelude {
  /** The runtime file, e.g. `new URL('./tools-prelude.ts', import.meta.url)`. */
  file: URL;
  /** JSON data handed to the prelude (e.g. names, reasons), copied into the isolate. */
  data?: unknown;
  /** Other globals the prelude defines (e.g. `ToolError`); touching one builds the namespace too. */
  globals?: string[];
}

/** What a prelude function receives: shared helpers of the runtime (one copy of the rules). */
export interface PreludeKit {
  /** Up to `limit` close names, closest first (src/text/close-names.ts). */
  closeNames(
    wanted: string,
    candidates: readonly string[],
    limit?: number,
    normalize?: (name: string) => string,
  ): string[];
  /** Lowercase letters and digits only (src/text/close-names.ts). */
  normalizeName(name: string): string;
}

/** The signature of a runtime file's `prelude` export. */
export type PreludeFunction = (api: BindingTree, data: unknown, kit: PreludeKit) => unknown;

/** A provider's bindings as the prelude sees them: nested objects of async functions. */
export interface BindingTree {
  [name: string]: BindingTree | ((...args: unknown[]) => Promise<unknown>);
}

/**
 * Everything visible in the sandbox comes from providers of this one shape (the tool hub, the skill
 * library, the library loader), passed per run. Each defines the global `namespace`, built when code
 * first touches it: the prelude's return value, or the bindings tree when there is no prelude.
 */
export interface SandboxProvider {
  /** The global it defines, a JavaScript identifier (`tools`, `skills`). */
  namespace: string;
  bindings: HostBindings;
  prelude?: ProviderPrelude;
}

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /**
   * Providers for every run that does not pass its own; a function is asked again at each run (so a
   * changed tool list or a new listener takes effect at the next run).
   */
  providers?: SandboxProvider[] | (() => SandboxProvider[]);
}

export interface RunOptions {
  /** The providers of this run (default: the sandbox's own). Unchanged ones cost nothing to keep. */
  providers?: SandboxProvider[];
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
  /** Throw away all state: a fresh isolate and context. */
  reset(): Promise<void>;
  dispose(): void;
  stats(): SandboxStats;
  readonly limits: SandboxLimits;
  readonly disposed: boolean;
}

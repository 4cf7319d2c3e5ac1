/** The contract between a sandbox session and one run of code in it (see run-state.ts). */
import type { RawError } from './error-normalizer.ts';
import type { IsolateSession } from './isolate-session.ts';
import type { OutputBuffer } from './output-buffer.ts';
import type { PreparedCode } from './prepare-code.ts';
import type { HostBindings, HostCallContext, LogEntry, LogLevel, RunError, SandboxLimits } from './types.ts';

export interface RunOutcome {
  value?: string;
  data?: unknown;
  /** A fault of the code, still in isolate coordinates. */
  rawError?: RawError;
  /** A limit that ended the run, or the code that did not compile: final as it is. */
  finalError?: RunError;
  logs: OutputBuffer;
  /** The isolate must be thrown away (it was busy when the run had to stop, or it is gone). */
  disposeIsolate: boolean;
}

export interface Run {
  readonly id: number;
  start(): Promise<RunOutcome>;
  abort(reason: 'signal' | 'dispose'): void;
  /** The isolate ran out of memory beyond recovery (see SessionHooks.onCatastrophe). */
  onCatastrophe(): void;
  onCall(callId: number, name: string, argsJson: string): void;
  /** One line, or with level 'batch' several (see SessionHooks.onLog). */
  onLog(level: LogLevel | 'batch', text: string): void;
  /** The isolate's earliest timer is due in `ms` (`pending` timers in all); see runtime/bootstrap.js. */
  onTimer(op: 'wake', pending: number, ms: number): void;
  onDone(resultJson: string): void;
}

export interface RunSetup {
  id: number;
  session: IsolateSession;
  /** Host functions by full dotted name (`tools.web.fetch`), from the run's providers. */
  bindings: HostBindings;
  /** Provider changes the runtime applies before the code runs (see install-providers.ts). */
  provide?: string;
  /** Evaluates a trusted script in the session's context (for the library loader). */
  evaluate: HostCallContext['evaluate'];
  limits: SandboxLimits;
  prepared: PreparedCode;
  onLog?: (entry: LogEntry) => void;
}

export interface DoneMessage {
  ok: boolean;
  value?: string;
  data?: string;
  error?: RawError;
  /** Characters dropped from the output inside the isolate (held-back lines). */
  dropped?: number;
  /** Characters cut from the middle of single long lines (noted in the line itself). */
  clipped?: number;
  /** Timers still pending when the run ended (cancelled with it). */
  timers?: number;
}

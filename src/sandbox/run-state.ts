/**
 * One run of code in a session: enters the isolate, serves host calls and timers, and enforces the
 * limits. Host promises never reject across the boundary: every call is settled into the isolate
 * as data ({ok, payload}) and the isolate side throws. A host-side timer covers the wall clock,
 * because isolated-vm's own timeout only counts synchronous execution.
 */
import type ivm from 'isolated-vm';
import { compileErrorOf } from './error-normalizer.ts';
import { serveHostCall } from './host-call.ts';
import { lostIsolates, MAX_LOST_ISOLATES, type RuntimeOp } from './isolate-session.ts';
import { OutputBuffer } from './output-buffer.ts';
import { CODE_FILENAME, PRELUDE_LINES } from './prepare-code.ts';
import { errorNameOf, MEMORY_LIMIT_MESSAGE, outcomeOf, parseLogBatch, readDone } from './run-reports.ts';
import { RunTimers } from './run-timers.ts';
import type { Run, RunOutcome, RunSetup } from './run-types.ts';
import { createTurnDispatcher } from './turn-dispatcher.ts';
import type { LimitName, LogLevel } from './types.ts';
import { WallClock } from './wall-clock.ts';

export type { Run, RunOutcome, RunSetup } from './run-types.ts';

/** Host time a run's reports may take in one event-loop turn before the rest waits for the next. */
const TURN_BUDGET_MS = 8;

type Ending = Omit<RunOutcome, 'logs' | 'disposeIsolate'>;

/**
 * A run whose reports (host calls, console lines, timers, the end) are handled within its share of
 * each event-loop turn (see turn-dispatcher.ts).
 */
export function createRun(setup: RunSetup): Run {
  const run = new SessionRun(setup);
  const { dispatch } = createTurnDispatcher({ budgetMs: TURN_BUDGET_MS });
  return {
    id: run.id,
    start: () => run.start(),
    abort: (reason) => run.abort(reason),
    onCatastrophe: () => run.onCatastrophe(),
    onCall: (callId, name, argsJson) => dispatch(() => run.onCall(callId, name, argsJson)),
    onLog: (level, text) => dispatch(() => run.onLog(level, text)),
    onTimer: (op, pending, ms) => dispatch(() => run.onTimer(op, pending, ms)),
    onDone: (resultJson) => dispatch(() => run.onDone(resultJson)),
  };
}

class SessionRun implements Run {
  readonly id: number;
  readonly #setup: RunSetup;
  readonly #logs: OutputBuffer;
  readonly #wall: WallClock;
  readonly #timers: RunTimers;
  /** Host calls waiting for their binding: call id -> binding name. */
  readonly #calls = new Map<number, string>();
  // Made with the first host call: most runs make none, and the signal is only for host calls.
  #controller: AbortController | undefined;
  /** Entries into the isolate in flight. */
  #active = 0;
  #finished = false;
  #cpuStart = 0;
  #cpuSeen = 0;
  readonly #outcome: Promise<RunOutcome>;
  #resolveOutcome: (outcome: RunOutcome) => void = () => {};

  constructor(setup: RunSetup) {
    this.id = setup.id;
    this.#setup = setup;
    this.#logs = new OutputBuffer(setup.limits.maxOutputChars);
    this.#wall = new WallClock(setup.limits.wallMs, () => this.#stop('wall'));
    this.#timers = new RunTimers((onNext) => this.#enter('fire', [], onNext));
    this.#outcome = new Promise<RunOutcome>((resolve) => {
      this.#resolveOutcome = resolve;
    });
  }

  async start(): Promise<RunOutcome> {
    if (this.#finished) return this.#outcome; // aborted before it began
    const { session } = this.#setup;
    this.#cpuStart = session.cpuTimeMs();
    this.#wall.start();
    this.#active++;
    let fn: ivm.Reference<unknown>;
    try {
      fn = await this.#define();
    } catch (error) {
      this.#active--;
      if (error instanceof Error && error.name === 'SyntaxError' && !session.disposed) {
        this.#finish({ finalError: compileErrorOf(error, this.#setup.prepared) });
      } else {
        this.#onEnterError(error);
      }
      return this.#outcome;
    }
    this.#active--;
    this.#enter('execute', [fn.derefInto({ release: true }), this.id, this.#setup.provide]);
    return this.#outcome;
  }

  /**
   * Compiling and running the script only defines the run's function (no code of the agent runs
   * yet), so it is done synchronously when the isolate is idle; asynchronously when a previous run
   * left something running, so as never to block the host thread.
   */
  async #define(): Promise<ivm.Reference<unknown>> {
    const { session, prepared, limits } = this.#setup;
    const options = {
      filename: CODE_FILENAME,
      lineOffset: -PRELUDE_LINES,
      reference: true,
      timeout: limits.timeoutMs,
    } as const;
    return session.idle
      ? session.context.evalSync(prepared.source, options)
      : await session.track(session.context.eval(prepared.source, options));
  }

  onCatastrophe(): void {
    const left = Math.max(0, MAX_LOST_ISOLATES - lostIsolates().count);
    this.#limit(
      'memory',
      `Memory limit of ${this.#setup.limits.memoryMb} MB exceeded by one allocation too large for what was left (a Map, Set or object grown to millions of keys?); the sandbox was reset, so variables from earlier runs are gone. Keep such collections smaller or in pieces: this process can lose ${left} more sandbox${left === 1 ? '' : 'es'} this way before it must be restarted`,
      true,
    );
  }

  abort(reason: 'signal' | 'dispose'): void {
    if (reason === 'dispose') this.#limit('aborted', 'The sandbox was disposed during the run', true);
    else this.#stop('aborted');
  }

  onCall(callId: number, name: string, argsJson: string): void {
    if (this.#finished) return;
    this.#calls.set(callId, name);
    const max = this.#setup.limits.maxPendingCalls;
    if (this.#calls.size > max) {
      this.#limit(
        'pending-calls',
        `Too many host calls pending at once (limit ${max}); await them in smaller batches`,
      );
      return;
    }
    this.#controller ??= new AbortController();
    const context = {
      signal: this.#controller.signal,
      evaluate: this.#setup.evaluate,
      pauseWall: <T>(waiting: Promise<T>) => this.#wall.pauseWhile(waiting),
    };
    void serveHostCall(this.#setup.bindings, name, argsJson, context).then(({ ok, payload }) => {
      this.#calls.delete(callId);
      this.#enter('settle', [callId, ok, payload]);
    });
  }

  onLog(level: LogLevel | 'batch', text: string): void {
    if (this.#finished) return;
    if (level !== 'batch') this.#addLine(level, text);
    else for (const [lineLevel, line] of parseLogBatch(text)) this.#addLine(lineLevel, line);
  }

  onTimer(op: 'wake', pending: number, ms: number): void {
    if (this.#finished || op !== 'wake') return;
    this.#timers.onWake(pending, ms);
  }

  onDone(resultJson: string): void {
    if (this.#finished) return;
    const message = readDone(resultJson);
    let result: Ending | undefined;
    try {
      result = message && outcomeOf(message);
    } catch {
      result = undefined;
    }
    if (!message || !result) {
      this.#finish({ rawError: { name: 'Error', message: 'the sandbox sent an unreadable result' } });
      return;
    }
    this.#timers.pending = message.timers ?? 0;
    if (message.dropped) this.#logs.addCut(message.dropped);
    if (message.clipped) this.#logs.markClipped();
    // isolated-vm throws this inside the isolate when a call to the host finds the heap full.
    if (result.rawError && MEMORY_LIMIT_MESSAGE.test(result.rawError.message)) {
      this.#memoryLimit();
      return;
    }
    this.#finish(result, false, true);
  }

  /** `endedInIsolate`: the isolate reported the end itself and already forgot the run's timers and calls. */
  #finish(result: Ending, disposeIsolate = false, endedInIsolate = false): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#wall.stop();
    this.#timers.stop();
    const pending = this.#timers.pending;
    if (pending > 0 && !result.finalError) {
      this.#logs.add(
        'warn',
        `(${pending} timer${pending > 1 ? 's' : ''} still pending when the run ended ${pending > 1 ? 'were' : 'was'} cancelled)`,
      );
    }
    this.#controller?.abort(new Error('the run ended'));
    const { session } = this.#setup;
    if (!disposeIsolate && !endedInIsolate && !session.disposed) {
      session.enter('end', [this.id], 1000).catch(() => undefined);
    }
    this.#resolveOutcome({ ...result, logs: this.#logs, disposeIsolate });
  }

  #addLine(level: LogLevel, text: string): void {
    this.#logs.add(level, text);
    this.#setup.onLog?.({ level, text });
  }

  #limit(name: LimitName, message: string, disposeIsolate = false): void {
    this.#finish({ finalError: { name: errorNameOf(name), message, limit: name } }, disposeIsolate);
  }

  #cpuLimit(): void {
    this.#limit(
      'cpu',
      `CPU time limit of ${this.#setup.limits.timeoutMs} ms exceeded (infinite loop?); variables from earlier runs are kept`,
    );
  }

  #memoryLimit(): void {
    this.#limit(
      'memory',
      `Memory limit of ${this.#setup.limits.memoryMb} MB exceeded; the sandbox was reset, so variables from earlier runs are gone`,
      true,
    );
  }

  #stop(name: 'wall' | 'aborted'): void {
    if (this.#finished) return;
    const busy = this.#active > 0;
    const what = busy ? 'the code was still running' : this.#waitingFor();
    const lost = busy ? '; the sandbox was reset, so variables from earlier runs are gone' : '';
    if (name === 'wall')
      this.#limit(
        'wall',
        `Wall-clock limit of ${this.#setup.limits.wallMs} ms exceeded (${what})${lost}`,
        busy,
      );
    else this.#limit('aborted', `The run was stopped (${what})${lost}`, busy);
    if (busy) this.#setup.session.dispose();
  }

  /** What an idle run is waiting for when it is stopped. */
  #waitingFor(): string {
    const waiting = [...new Set(this.#calls.values())];
    if (waiting.length > 0)
      return `still waiting for ${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''}`;
    if (this.#timers.waiting) return 'still waiting for a timer';
    return 'still waiting for a promise that never settled';
  }

  /** Enter the isolate; `onResult` gets what the op returned, if the run goes on. */
  #enter(op: RuntimeOp, args: unknown[], onResult?: (value: unknown) => void): void {
    if (this.#finished) return;
    const { session, limits } = this.#setup;
    // The CPU used as of the last return from the isolate: reading it is a locked native call, so
    // once per entry is enough (every execution in the isolate is one of these entries).
    const remaining = Math.floor(limits.timeoutMs - this.#cpuSeen);
    if (remaining < 1) {
      this.#cpuLimit();
      return;
    }
    this.#active++;
    const left = () => {
      this.#active--;
      this.#cpuSeen = session.cpuTimeMs() - this.#cpuStart;
      if (!this.#finished && this.#cpuSeen > limits.timeoutMs) this.#cpuLimit();
    };
    session.enter(op, args, remaining).then(
      (value) => {
        left();
        if (!this.#finished) onResult?.(value);
      },
      (error: unknown) => {
        this.#onEnterError(error);
        left();
      },
    );
  }

  #onEnterError(error: unknown): void {
    if (this.#finished) return;
    const { session } = this.#setup;
    const message = error instanceof Error ? error.message : String(error);
    // isolated-vm may report the memory limit before the isolate shows as disposed.
    const memory = MEMORY_LIMIT_MESSAGE.test(message);
    if (memory || session.isolate.isDisposed) {
      if (memory || !session.disposed) this.#memoryLimit();
      else this.#limit('aborted', 'The sandbox was disposed during the run', true);
      return;
    }
    if (/timed out/i.test(message)) {
      this.#cpuLimit();
      return;
    }
    this.#finish({ rawError: { name: error instanceof Error ? error.name : 'Error', message } });
  }
}

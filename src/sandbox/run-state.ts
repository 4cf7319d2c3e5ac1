/**
 * One run of code in a session: enters the isolate, serves host calls and timers, and enforces the
 * limits. Host promises never reject across the boundary: every call is settled into the isolate
 * as data ({ok, payload}) and the isolate side throws. A host-side timer covers the wall clock,
 * because isolated-vm's own timeout only counts synchronous execution.
 */
import type ivm from 'isolated-vm';
import { compileErrorOf } from './error-normalizer.ts';
import { lostIsolates, MAX_LOST_ISOLATES, type RuntimeOp } from './isolate-session.ts';
import { OutputBuffer } from './output-buffer.ts';
import { CODE_FILENAME, PRELUDE_LINES } from './prepare-code.ts';
import type { DoneMessage, Run, RunOutcome, RunSetup } from './run-types.ts';
import { SerializedJson } from './serialized-json.ts';

export type { Run, RunOutcome, RunSetup } from './run-types.ts';

import { createTurnDispatcher } from './turn-dispatcher.ts';
import type { LimitName, LogLevel } from './types.ts';
import { WallClock } from './wall-clock.ts';

/** isolated-vm's message when it disposed the isolate for its memory limit. */
const MEMORY_LIMIT_MESSAGE = /disposed during execution due to memory limit/i;

const LEVELS: ReadonlySet<unknown> = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);

/** Host time a run's reports may take in one event-loop turn before the rest waits for the next. */
const TURN_BUDGET_MS = 8;

/** Largest host result copied into the isolate, in characters of JSON. */
const MAX_RESULT_CHARS = 8_000_000;

export function createRun(setup: RunSetup): Run {
  const { id, session, bindings, limits } = setup;
  const logs = new OutputBuffer(limits.maxOutputChars);
  // One host timer per run, set to the isolate's earliest due timer (the isolate keeps the queue).
  let wake: NodeJS.Timeout | undefined;
  let wakeDue = Number.POSITIVE_INFINITY;
  let fireInFlight = false;
  let timersPending = 0;
  const calls = new Map<number, string>();
  // Made with the first host call: most runs make none, and the signal is only for host calls.
  let controller: AbortController | undefined;
  let active = 0;
  let finished = false;
  let cpuStart = 0;
  const wall = new WallClock(limits.wallMs, () => stop('wall'));
  const pauseWall = <T>(waiting: Promise<T>) => wall.pauseWhile(waiting);

  let resolveOutcome: (outcome: RunOutcome) => void = () => {};
  const outcome = new Promise<RunOutcome>((resolve) => {
    resolveOutcome = resolve;
  });

  const cpuUsed = () => session.cpuTimeMs() - cpuStart;
  let cpuSeen = 0;

  /** `endedInIsolate`: the isolate reported the end itself and already forgot the run's timers and calls. */
  function finish(
    result: Omit<RunOutcome, 'logs' | 'disposeIsolate'>,
    disposeIsolate = false,
    endedInIsolate = false,
  ): void {
    if (finished) return;
    finished = true;
    wall.stop();
    clearTimeout(wake);
    wake = undefined;
    if (timersPending > 0 && !result.finalError) {
      logs.add(
        'warn',
        `(${timersPending} timer${timersPending > 1 ? 's' : ''} still pending when the run ended ${timersPending > 1 ? 'were' : 'was'} cancelled)`,
      );
    }
    controller?.abort(new Error('the run ended'));
    if (!disposeIsolate && !endedInIsolate && !session.disposed) {
      session.enter('end', [id], 1000).catch(() => undefined);
    }
    resolveOutcome({ ...result, logs, disposeIsolate });
  }

  function addLine(level: LogLevel, text: string): void {
    logs.add(level, text);
    setup.onLog?.({ level, text });
  }

  function limit(name: LimitName, message: string, disposeIsolate = false): void {
    const errorName =
      name === 'aborted'
        ? 'AbortError'
        : name === 'memory' || name === 'pending-calls'
          ? 'RangeError'
          : 'TimeoutError';
    finish({ finalError: { name: errorName, message, limit: name } }, disposeIsolate);
  }

  function cpuLimit(): void {
    limit(
      'cpu',
      `CPU time limit of ${limits.timeoutMs} ms exceeded (infinite loop?); variables from earlier runs are kept`,
    );
  }

  function memoryLimit(): void {
    limit(
      'memory',
      `Memory limit of ${limits.memoryMb} MB exceeded; the sandbox was reset, so variables from earlier runs are gone`,
      true,
    );
  }

  function stop(name: 'wall' | 'aborted'): void {
    if (finished) return;
    const busy = active > 0;
    const waiting = [...new Set(calls.values())];
    const what = busy
      ? 'the code was still running'
      : waiting.length > 0
        ? `still waiting for ${waiting.slice(0, 3).join(', ')}${waiting.length > 3 ? ', …' : ''}`
        : wake !== undefined || fireInFlight || timersPending > 0
          ? 'still waiting for a timer'
          : 'still waiting for a promise that never settled';
    const lost = busy ? '; the sandbox was reset, so variables from earlier runs are gone' : '';
    if (name === 'wall')
      limit('wall', `Wall-clock limit of ${limits.wallMs} ms exceeded (${what})${lost}`, busy);
    else limit('aborted', `The run was stopped (${what})${lost}`, busy);
    if (busy) session.dispose();
  }

  /** Enter the isolate; `onResult` gets what the op returned, if the run goes on. */
  function enter(op: RuntimeOp, args: unknown[], onResult?: (value: unknown) => void): void {
    if (finished) return;
    // The CPU used as of the last return from the isolate: reading it is a locked native call, so
    // once per entry is enough (every execution in the isolate is one of these entries).
    const remaining = Math.floor(limits.timeoutMs - cpuSeen);
    if (remaining < 1) {
      cpuLimit();
      return;
    }
    active++;
    const left = () => {
      active--;
      cpuSeen = cpuUsed();
      if (!finished && cpuSeen > limits.timeoutMs) cpuLimit();
    };
    session.enter(op, args, remaining).then(
      (value) => {
        left();
        if (!finished) onResult?.(value);
      },
      (error: unknown) => {
        onEnterError(error);
        left();
      },
    );
  }

  /**
   * Ask the isolate to run its earliest due timer, then wait for the next one it reports. One
   * 'fire' is in flight at a time; a wake asked for meanwhile is merged into what follows it.
   */
  function fireTimers(): void {
    wake = undefined;
    wakeDue = Number.POSITIVE_INFINITY;
    fireInFlight = true;
    enter('fire', [], (next) => {
      fireInFlight = false;
      let ms = typeof next === 'number' && next >= 0 ? next : Number.POSITIVE_INFINITY;
      if (wakeDue !== Number.POSITIVE_INFINITY) ms = Math.min(ms, Math.max(0, wakeDue - Date.now()));
      wakeDue = Number.POSITIVE_INFINITY;
      if (ms === Number.POSITIVE_INFINITY) timersPending = 0;
      // Due now: straight back in. Each entry's completion is a host task of its own, so the
      // host's event loop serves everything else between two timers.
      else if (ms === 0) fireTimers();
      else setWake(ms);
    });
  }

  /** Wake the isolate in `ms` unless it is already to be woken earlier (waking early is harmless). */
  function setWake(ms: number): void {
    const due = Date.now() + ms;
    if (due >= wakeDue) return;
    wakeDue = due;
    if (fireInFlight) return;
    clearTimeout(wake);
    wake = setTimeout(fireTimers, ms);
  }

  function onEnterError(error: unknown): void {
    if (finished) return;
    const message = error instanceof Error ? error.message : String(error);
    // isolated-vm may report the memory limit before the isolate shows as disposed.
    const memory = MEMORY_LIMIT_MESSAGE.test(message);
    if (memory || session.isolate.isDisposed) {
      if (memory || !session.disposed) {
        memoryLimit();
      } else {
        limit('aborted', 'The sandbox was disposed during the run', true);
      }
      return;
    }
    if (/timed out/i.test(message)) {
      cpuLimit();
      return;
    }
    finish({ rawError: { name: error instanceof Error ? error.name : 'Error', message } });
  }

  async function serveCall(callId: number, name: string, argsJson: string): Promise<void> {
    const fn = bindings[name];
    let ok = true;
    let payload: string | undefined;
    try {
      if (!fn) throw new ReferenceError(`${name} is not available in this sandbox`);
      const parsed: unknown = JSON.parse(argsJson);
      const args = Array.isArray(parsed) ? parsed : [parsed];
      controller ??= new AbortController();
      const value = await fn(args, { name, signal: controller.signal, evaluate: setup.evaluate, pauseWall });
      // A tool result comes serialised already (measured once, by the tool call).
      payload =
        value === undefined
          ? undefined
          : value instanceof SerializedJson
            ? value.json
            : JSON.stringify(value);
      if (payload !== undefined && payload.length > MAX_RESULT_CHARS) {
        throw new RangeError(
          `the result of ${name} is too large (${payload.length} characters of JSON, limit ${MAX_RESULT_CHARS})`,
        );
      }
    } catch (error) {
      ok = false;
      payload = JSON.stringify({
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
    calls.delete(callId);
    enter('settle', [callId, ok, payload]);
  }

  // Reports are handled within this run's share of each event-loop turn (see turn-dispatcher.ts).
  const { dispatch } = createTurnDispatcher({ budgetMs: TURN_BUDGET_MS });

  const run: Run = {
    id,
    async start() {
      if (finished) return outcome; // aborted before it began
      cpuStart = session.cpuTimeMs();
      wall.start();
      active++;
      let fn: ivm.Reference<unknown>;
      try {
        // Compiling and running the script only defines the run's function (no code of the agent
        // runs yet), so it is done synchronously when the isolate is idle; asynchronously when a
        // previous run left something running, so as never to block the host thread.
        const options = {
          filename: CODE_FILENAME,
          lineOffset: -PRELUDE_LINES,
          reference: true,
          timeout: limits.timeoutMs,
        } as const;
        const source = setup.prepared.source;
        fn = session.idle
          ? session.context.evalSync(source, options)
          : await session.track(session.context.eval(source, options));
      } catch (error) {
        active--;
        if (error instanceof Error && error.name === 'SyntaxError' && !session.disposed) {
          finish({ finalError: compileErrorOf(error, setup.prepared) });
        } else {
          onEnterError(error);
        }
        return outcome;
      }
      active--;
      enter('execute', [fn.derefInto({ release: true }), id, setup.provide]);
      return outcome;
    },
    onCatastrophe() {
      const { count } = lostIsolates();
      const left = Math.max(0, MAX_LOST_ISOLATES - count);
      limit(
        'memory',
        `Memory limit of ${limits.memoryMb} MB exceeded by one allocation too large for what was left (a Map, Set or object grown to millions of keys?); the sandbox was reset, so variables from earlier runs are gone. Keep such collections smaller or in pieces: this process can lose ${left} more sandbox${left === 1 ? '' : 'es'} this way before it must be restarted`,
        true,
      );
    },
    abort(reason) {
      if (reason === 'dispose') {
        limit('aborted', 'The sandbox was disposed during the run', true);
      } else {
        stop('aborted');
      }
    },
    onCall(callId, name, argsJson) {
      if (finished) return;
      calls.set(callId, name);
      if (calls.size > limits.maxPendingCalls) {
        limit(
          'pending-calls',
          `Too many host calls pending at once (limit ${limits.maxPendingCalls}); await them in smaller batches`,
        );
        return;
      }
      void serveCall(callId, name, argsJson);
    },
    onLog(level, text) {
      if (finished) return;
      if (level !== 'batch') {
        addLine(level, text);
        return;
      }
      // A batch is a flat JSON array: level, text, level, text, ...
      let batch: unknown;
      try {
        batch = JSON.parse(text);
      } catch {
        return;
      }
      if (!Array.isArray(batch)) return;
      for (let i = 0; i + 1 < batch.length; i += 2) {
        const [lineLevel, line] = [batch[i], batch[i + 1]];
        if (typeof line === 'string' && LEVELS.has(lineLevel)) addLine(lineLevel, line);
      }
    },
    onTimer(op, pending, ms) {
      if (finished || op !== 'wake') return;
      timersPending = pending;
      setWake(ms);
    },
    onDone(resultJson) {
      if (finished) return;
      let message: DoneMessage;
      try {
        message = JSON.parse(resultJson) as DoneMessage;
      } catch {
        finish({ rawError: { name: 'Error', message: 'the sandbox sent an unreadable result' } });
        return;
      }
      timersPending = message.timers ?? 0;
      if (message.dropped) logs.addCut(message.dropped);
      if (message.clipped) logs.markClipped();
      const result: Omit<RunOutcome, 'logs' | 'disposeIsolate'> = {};
      if (message.value !== undefined) result.value = message.value;
      if (message.data !== undefined) result.data = JSON.parse(message.data);
      if (!message.ok) result.rawError = message.error ?? { name: 'Error', message: 'unknown error' };
      // isolated-vm throws this inside the isolate when a call to the host finds the heap full.
      if (result.rawError && MEMORY_LIMIT_MESSAGE.test(result.rawError.message)) {
        memoryLimit();
        return;
      }
      finish(result, false, true);
    },
  };
  return {
    ...run,
    onCall: (callId, name, argsJson) => dispatch(() => run.onCall(callId, name, argsJson)),
    onLog: (level, text) => dispatch(() => run.onLog(level, text)),
    onTimer: (op, pending, ms) => dispatch(() => run.onTimer(op, pending, ms)),
    onDone: (resultJson) => dispatch(() => run.onDone(resultJson)),
  };
}

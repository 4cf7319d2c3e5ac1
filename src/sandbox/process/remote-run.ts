/**
 * The parent's side of one run in a worker process: it serves the run's host calls with the real
 * bindings (only those the run was given, only while the run lasts), streams its console lines,
 * and ends with the child's result or, when the child dies, with an error that says so. A child
 * that has not answered long after the run's own limits (its wall clock, paused while a person
 * decides) is killed: the parent never waits for a hung process.
 */
import { SerializedJson } from '../serialized-json.ts';
import type {
  HostBindings,
  HostCallContext,
  LogEntry,
  RunResult,
  SandboxStats,
  TrustedScript,
} from '../types.ts';
import type { ChildHealth, ChildMessage, ParentMessage } from './worker-protocol.ts';

/** How a run in a child ended. */
export type RemoteOutcome =
  | {
      kind: 'result';
      result: RunResult;
      stats: SandboxStats;
      isolateLost: boolean;
      health: ChildHealth;
    }
  | { kind: 'ended'; reason: string; logs: LogEntry[] };

/** What a run needs of the worker process it runs in. */
export interface RunHost {
  send(message: ParentMessage): void;
  evaluate(callId: number, script: TrustedScript): Promise<void>;
  nextId(): number;
  refuse(what: string): void;
  /** End the process (it stopped answering). */
  kill(because: string): void;
}

type CallMessage = Extract<ChildMessage, { type: 'call' }>;

export class RemoteRun {
  readonly id: number;
  readonly #host: RunHost;
  readonly #bindings: HostBindings;
  readonly #onLog: ((entry: LogEntry) => void) | undefined;
  /** Aborted when the run ends: the signal every binding of the run gets. */
  readonly #controller = new AbortController();
  readonly #streamed: LogEntry[] = [];
  #ended = false;
  /** How long the child may take before it counts as hung; waits for a person do not count. */
  readonly #deadlineMs: number;
  #deadline: NodeJS.Timeout | undefined;
  #pauses = 0;
  #resolve: (outcome: RemoteOutcome) => void = () => {};
  readonly outcome: Promise<RemoteOutcome>;

  constructor(options: {
    id: number;
    host: RunHost;
    bindings: HostBindings;
    onLog?: ((entry: LogEntry) => void) | undefined;
    /** The child is killed when the run has not ended this long after it began (or after a pause). */
    deadlineMs: number;
  }) {
    this.id = options.id;
    this.#deadlineMs = options.deadlineMs;
    this.#armDeadline();
    this.#host = options.host;
    this.#bindings = options.bindings;
    this.#onLog = options.onLog;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The child's result arrived (or the child died: `fail`). Later calls of the run are refused. */
  end(outcome: RemoteOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#deadline);
    this.#controller.abort(new Error('the run ended'));
    this.#resolve(outcome);
  }

  /** The child died during the run: the lines streamed so far are all there is. */
  fail(reason: string): void {
    this.end({ kind: 'ended', reason, logs: this.#streamed });
  }

  onLogs(entries: LogEntry[]): void {
    if (this.#ended) return;
    for (const entry of entries) {
      this.#streamed.push(entry);
      this.#onLog?.(entry);
    }
  }

  /** Serve a call of this run's code, if it names a binding the run was given. */
  onCall(message: CallMessage): void {
    const fn = Object.hasOwn(this.#bindings, message.name) ? this.#bindings[message.name] : undefined;
    if (!fn) {
      this.#host.refuse(
        `a call of ${JSON.stringify(message.name.slice(0, 80))}, which run ${this.id} was not given`,
      );
      this.#reply(
        message.callId,
        false,
        errorJson(new ReferenceError(`${message.name} is not available in this sandbox`)),
      );
      return;
    }
    void this.#serve(fn, message);
  }

  async #serve(fn: NonNullable<HostBindings[string]>, message: CallMessage): Promise<void> {
    const context: HostCallContext = {
      name: message.name,
      signal: this.#controller.signal,
      evaluate: (script) => this.#host.evaluate(message.callId, script),
      pauseWall: (waiting) => this.#pauseWall(message.callId, waiting),
    };
    let ok = true;
    let json: string | undefined;
    try {
      const value = await fn(message.args, context);
      json =
        value === undefined
          ? undefined
          : value instanceof SerializedJson
            ? value.json
            : JSON.stringify(value);
    } catch (error) {
      ok = false;
      json = errorJson(error);
    }
    this.#reply(message.callId, ok, json);
  }

  #reply(callId: number, ok: boolean, json: string | undefined): void {
    // A run that ended has dropped its calls; the child would ignore the answer.
    if (this.#ended) return;
    this.#host.send({ type: 'call-result', callId, ok, ...(json === undefined ? {} : { json }) });
  }

  #pauseWall<T>(callId: number, waiting: Promise<T>): Promise<T> {
    if (this.#ended) return waiting;
    const pauseId = this.#host.nextId();
    this.#host.send({ type: 'pause', callId, pauseId });
    this.#pauses++;
    clearTimeout(this.#deadline);
    const resume = () => {
      this.#host.send({ type: 'resume', pauseId });
      if (--this.#pauses === 0 && !this.#ended) this.#armDeadline();
    };
    waiting.then(resume, resume);
    return waiting;
  }

  #armDeadline(): void {
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => {
      if (!this.#ended) this.#host.kill(`it did not answer within ${this.#deadlineMs} ms`);
    }, this.#deadlineMs);
    this.#deadline.unref();
  }
}

function errorJson(error: unknown): string {
  return JSON.stringify({
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * The live task sessions (each holding an isolate) and their lifecycle: restored once from the store
 * even when messages arrive together, released after an idle time, and capped in number with the
 * least recently used idle one released first. A released session comes back on its next message
 * like after a restart: transcript and files kept, the agent told that its variables are gone.
 */
import type { TaskSession } from '../agent/task-session.ts';
import type { SessionInfo } from './types.ts';

export interface LiveSession {
  readonly info: SessionInfo;
  readonly session: TaskSession;
  /** The end of the session's queue of messages: each runs after the one before. */
  chain: Promise<void>;
  /** Messages queued or running. */
  pending: number;
  /** Stops the running message. */
  controller: AbortController | undefined;
  lastUsed: number;
}

export interface SessionRegistry {
  /** The live session, if any. */
  get(id: string): LiveSession | undefined;
  /** The live session, or the saved one restored (once, however many ask at the same time). */
  acquire(id: string): Promise<LiveSession | undefined>;
  add(info: SessionInfo, session: TaskSession): LiveSession;
  /** Mark a session used now (it moves to the back of the release order). */
  touch(entry: LiveSession): void;
  /** Whether this session was released (so its restore is told "released", not "restarted"). */
  wasReleased(id: string): boolean;
  /** Release idle sessions past the idle time and past the cap; returns how many. */
  sweep(): number;
  all(): LiveSession[];
  heapBytes(): number;
  /** Dispose every live session (shutdown). */
  clear(): void;
}

export interface SessionRegistryOptions {
  /** Build a live session from the store; undefined when there is none (or it is closed). */
  restore(id: string, released: boolean): Promise<{ info: SessionInfo; session: TaskSession } | undefined>;
  idleMs: number;
  maxLive: number;
  now: () => number;
  /** A session was released (for the operator's log). */
  onRelease?: (id: string, reason: 'idle' | 'cap') => void;
}

/** The registry's state: live sessions in use order, restores under way, ids released. */
interface RegistryState {
  readonly options: SessionRegistryOptions;
  /** Insertion order is use order: `touch` re-inserts, so the first entry is the least recently used. */
  readonly live: Map<string, LiveSession>;
  readonly restoring: Map<string, Promise<LiveSession | undefined>>;
  readonly released: Set<string>;
}

/** The live sessions and their lifecycle (see the module header). */
export function createSessionRegistry(options: SessionRegistryOptions): SessionRegistry {
  const state: RegistryState = { options, live: new Map(), restoring: new Map(), released: new Set() };
  const { live, restoring, released } = state;

  return {
    get: (id) => live.get(id),
    acquire(id) {
      const entry = live.get(id);
      if (entry) return Promise.resolve(entry);
      let pending = restoring.get(id);
      if (!pending) {
        pending = options
          .restore(id, released.has(id))
          .then((restored) => (restored ? add(state, restored.info, restored.session) : undefined))
          .finally(() => restoring.delete(id));
        restoring.set(id, pending);
      }
      return pending;
    },
    add: (info, session) => add(state, info, session),
    touch(entry) {
      entry.lastUsed = options.now();
      if (live.get(entry.info.id) !== entry) return;
      live.delete(entry.info.id);
      live.set(entry.info.id, entry);
    },
    wasReleased: (id) => released.has(id),
    sweep: () => sweep(state),
    all: () => [...live.values()],
    heapBytes() {
      let total = 0;
      for (const entry of live.values()) total += entry.session.heapBytes();
      return total;
    },
    clear() {
      for (const entry of live.values()) entry.session.dispose();
      live.clear();
    },
  };
}

function release(state: RegistryState, entry: LiveSession, reason: 'idle' | 'cap'): void {
  state.live.delete(entry.info.id);
  state.released.add(entry.info.id);
  entry.session.dispose();
  state.options.onRelease?.(entry.info.id, reason);
}

/** Release idle sessions past the idle time, then the least recently used past the cap (never `keep`). */
function sweep(state: RegistryState, keep?: string): number {
  const { live, options } = state;
  const t = options.now();
  let count = 0;
  for (const entry of [...live.values()]) {
    if (entry.pending === 0 && t - entry.lastUsed >= options.idleMs) {
      release(state, entry, 'idle');
      count++;
    }
  }
  for (const entry of [...live.values()]) {
    if (live.size <= options.maxLive) break;
    if (entry.pending > 0 || entry.info.id === keep) continue;
    release(state, entry, 'cap');
    count++;
  }
  return count;
}

function add(state: RegistryState, info: SessionInfo, session: TaskSession): LiveSession {
  const entry: LiveSession = {
    info,
    session,
    chain: Promise.resolve(),
    pending: 0,
    controller: undefined,
    lastUsed: state.options.now(),
  };
  state.live.set(info.id, entry);
  state.released.delete(info.id);
  sweep(state, info.id);
  return entry;
}

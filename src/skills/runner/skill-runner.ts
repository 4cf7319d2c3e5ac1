/**
 * Runs skill calls, each skill in a sandbox of its own, so a skill gets least privilege: only the
 * tools it declares, and only those the caller has. Skill code never shares a realm with the agent's
 * code (where `globalThis.tools` holds every tool of the task). Arguments and results cross as JSON
 * copies. One sandbox per skill version per task session, created at its first call and disposed
 * with the session (or after being idle, whichever comes first).
 *
 * The code is checked again before it is loaded (one function declaration, nothing at top level), so
 * a row changed behind the library's back still runs nothing at definition.
 */
import type { Sandbox, SandboxLimits, SandboxOptions, SandboxProvider } from '../../sandbox/types.ts';
import { inspectSkillCode } from '../records/check-draft.ts';
import type { Skill } from '../types.ts';

export interface SkillRunnerOptions {
  createSandbox: (options: SandboxOptions) => Sandbox;
  /** Limits of each skill's sandbox (default: 128 MB, 10 s CPU, 60 s wall per call). */
  limits?: Partial<SandboxLimits>;
  /** The caller's `tools` provider now (undefined: skills get no tools). */
  callerTools?: () => SandboxProvider | undefined;
  /** A skill sandbox idle this long is disposed (default 5 minutes). */
  idleMs?: number;
}

export interface SkillCallOptions {
  signal?: AbortSignal;
}

export interface SkillRunner {
  /** Call `skill` with `args` in its own sandbox; rejects with the skill's error (name kept). */
  call(skill: Skill, args: unknown[], options?: SkillCallOptions): Promise<unknown>;
  /** Sandboxes alive now (for tests and status). */
  readonly live: number;
  dispose(): void;
}

/** An Error whose `name` is the skill's error name (a RangeError stays a RangeError in the caller). */
function skillError(name: string, message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', {
    value: name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
}

interface Slot {
  sandbox: Sandbox;
  /** What the next run gets: set just before it starts, one run at a time (`queue`). */
  current: SandboxProvider[];
  queue: Promise<unknown>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The tools provider cut down to `allowed` (`server.tool`) bindings. */
function onlyTools(provider: SandboxProvider, allowed: readonly string[]): SandboxProvider {
  const bindings: SandboxProvider['bindings'] = {};
  for (const key of allowed) {
    const fn = provider.bindings[key];
    if (fn) bindings[key] = fn;
  }
  return { ...provider, bindings };
}

/** The runner's sandboxes by skill version, and whether it is closed. */
interface RunnerState {
  readonly options: SkillRunnerOptions;
  readonly slots: Map<string, Slot>;
  readonly idleMs: number;
  disposed: boolean;
}

/** A runner whose sandboxes come from `options.createSandbox` (see the module header). */
export function createSkillRunner(options: SkillRunnerOptions): SkillRunner {
  const state: RunnerState = {
    options,
    slots: new Map(),
    idleMs: options.idleMs ?? 5 * 60_000,
    disposed: false,
  };
  return {
    async call(skill, args, callOptions = {}) {
      if (state.disposed) throw new Error('the skill runner is closed (the task session ended)');
      const tools = toolsFor(skill, options.callerTools?.());
      return runSkill(slotFor(state, skill), skill, { args, tools, ...callOptions });
    },
    get live() {
      return state.slots.size;
    },
    dispose() {
      state.disposed = true;
      for (const key of [...state.slots.keys()]) release(state, key);
    },
  };
}

function release(state: RunnerState, key: string): void {
  const slot = state.slots.get(key);
  if (!slot) return;
  state.slots.delete(key);
  if (slot.timer) clearTimeout(slot.timer);
  slot.sandbox.dispose();
}

/** The skill version's sandbox (created at its first call); each use restarts its idle timer. */
function slotFor(state: RunnerState, skill: Skill): Slot {
  const key = `${skill.id}@${skill.version}`;
  let slot = state.slots.get(key);
  if (!slot) {
    const created: Slot = {
      sandbox: state.options.createSandbox({
        limits: { memoryMb: 128, timeoutMs: 10_000, wallMs: 60_000, ...state.options.limits },
        // Asked at each run: the tools of the caller of this call, and this call's arguments.
        providers: () => created.current,
      }),
      current: [],
      queue: Promise.resolve(),
      timer: undefined,
    };
    slot = created;
    state.slots.set(key, slot);
  }
  if (slot.timer) clearTimeout(slot.timer);
  slot.timer = setTimeout(() => release(state, key), state.idleMs);
  slot.timer.unref?.();
  return slot;
}

/**
 * The caller's tools cut down to those the skill declares; throws when the code cannot be loaded or
 * needs a tool the caller does not have.
 */
function toolsFor(skill: Skill, caller: SandboxProvider | undefined): SandboxProvider | undefined {
  const shape = inspectSkillCode(skill.code, skill.identifier);
  if (shape.problems.length > 0) {
    throw skillError(
      'TypeError',
      `skills.${skill.identifier} cannot be loaded: ${shape.problems.join('; ')}`,
    );
  }
  const missing = shape.tools.filter((tool) => !caller?.bindings[tool]);
  if (missing.length > 0) {
    throw skillError(
      'ToolError',
      `skills.${skill.identifier} needs ${missing.map((tool) => `tools.${tool}`).join(', ')}, which this task does not have`,
    );
  }
  return caller ? onlyTools(caller, shape.tools) : undefined;
}

/** Run one call in the slot, after the calls queued before it; its value, or the skill's error. */
async function runSkill(
  slot: Slot,
  skill: Skill,
  call: { args: unknown[]; tools: SandboxProvider | undefined } & SkillCallOptions,
): Promise<unknown> {
  let result: { value?: unknown } | undefined;
  const io: SandboxProvider = {
    namespace: '__skillCall',
    bindings: {
      args: () => call.args,
      result: (values) => {
        const [wrapped] = values;
        result = typeof wrapped === 'object' && wrapped !== null ? (wrapped as { value?: unknown }) : {};
        return null;
      },
    },
  };
  const code = `${skill.code}\n;return await (async () => {\n  const args = await __skillCall.args();\n  const value = await ${skill.identifier}(...args);\n  await __skillCall.result(value === undefined ? {} : { value });\n})();`;
  const turn = slot.queue.then(() => {
    slot.current = [...(call.tools ? [call.tools] : []), io];
    return slot.sandbox.run(code, call.signal ? { signal: call.signal } : {});
  });
  slot.queue = turn.catch(() => undefined);
  const ran = await turn;
  if (!ran.ok) {
    const error = ran.error ?? { name: 'Error', message: 'the skill failed' };
    const where = error.line ? ` (skills.${skill.identifier}, line ${error.line})` : '';
    throw skillError(error.name, `${error.message}${error.limit ? ` in skills.${skill.identifier}` : where}`);
  }
  return result?.value;
}

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

export function createSkillRunner(options: SkillRunnerOptions): SkillRunner {
  const slots = new Map<string, Slot>();
  const idleMs = options.idleMs ?? 5 * 60_000;
  let disposed = false;

  const release = (key: string) => {
    const slot = slots.get(key);
    if (!slot) return;
    slots.delete(key);
    if (slot.timer) clearTimeout(slot.timer);
    slot.sandbox.dispose();
  };

  const slotFor = (skill: Skill): Slot => {
    const key = `${skill.id}@${skill.version}`;
    let slot = slots.get(key);
    if (!slot) {
      const created: Slot = {
        sandbox: options.createSandbox({
          limits: { memoryMb: 128, timeoutMs: 10_000, wallMs: 60_000, ...options.limits },
          // Asked at each run: the tools of the caller of this call, and this call's arguments.
          providers: () => created.current,
        }),
        current: [],
        queue: Promise.resolve(),
        timer: undefined,
      };
      slot = created;
      slots.set(key, slot);
    }
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => release(key), idleMs);
    slot.timer.unref?.();
    return slot;
  };

  return {
    async call(skill, args, callOptions = {}) {
      if (disposed) throw new Error('the skill runner is closed (the task session ended)');
      const shape = inspectSkillCode(skill.code, skill.identifier);
      if (shape.problems.length > 0) {
        throw skillError(
          'TypeError',
          `skills.${skill.identifier} cannot be loaded: ${shape.problems.join('; ')}`,
        );
      }
      const caller = options.callerTools?.();
      const missing = shape.tools.filter((tool) => !caller?.bindings[tool]);
      if (missing.length > 0) {
        throw skillError(
          'ToolError',
          `skills.${skill.identifier} needs ${missing.map((tool) => `tools.${tool}`).join(', ')}, which this task does not have`,
        );
      }
      let result: { value?: unknown } | undefined;
      const io: SandboxProvider = {
        namespace: '__skillCall',
        bindings: {
          args: () => args,
          result: (values) => {
            const [wrapped] = values;
            result = typeof wrapped === 'object' && wrapped !== null ? (wrapped as { value?: unknown }) : {};
            return null;
          },
        },
      };
      const tools = caller ? onlyTools(caller, shape.tools) : undefined;
      const slot = slotFor(skill);
      const code = `${skill.code}\n;return await (async () => {\n  const args = await __skillCall.args();\n  const value = await ${skill.identifier}(...args);\n  await __skillCall.result(value === undefined ? {} : { value });\n})();`;
      const turn = slot.queue.then(() => {
        slot.current = [...(tools ? [tools] : []), io];
        return slot.sandbox.run(code, callOptions.signal ? { signal: callOptions.signal } : {});
      });
      slot.queue = turn.catch(() => undefined);
      const ran = await turn;
      if (!ran.ok) {
        const error = ran.error ?? { name: 'Error', message: 'the skill failed' };
        const where = error.line ? ` (skills.${skill.identifier}, line ${error.line})` : '';
        throw skillError(
          error.name,
          `${error.message}${error.limit ? ` in skills.${skill.identifier}` : where}`,
        );
      }
      return result?.value;
    },
    get live() {
      return slots.size;
    },
    dispose() {
      disposed = true;
      for (const key of [...slots.keys()]) release(key);
    },
  };
}

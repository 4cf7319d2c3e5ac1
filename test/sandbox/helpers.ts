/** Shared parts of the sandbox tests: sandboxes that are disposed after each test, host probes. */
import vm from 'node:vm';
import { afterEach } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import type {
  HostCallContext,
  HostFunction,
  Sandbox,
  SandboxOptions,
  SandboxProvider,
} from '../../src/sandbox/types.ts';

/** A `createSandbox` whose sandboxes are all disposed after each test. */
export function useSandboxes(): (options?: SandboxOptions) => Sandbox {
  const created: Sandbox[] = [];
  afterEach(() => {
    for (const sandbox of created.splice(0)) sandbox.dispose();
  });
  return (options) => {
    const sandbox = createSandbox(options);
    created.push(sandbox);
    return sandbox;
  };
}

export interface CallProbe {
  fn: HostFunction;
  calls: unknown[][];
  /** Most calls that were in progress at the same time. */
  maxActive: number;
  active: number;
  signals: AbortSignal[];
}

/** A host function that counts how many of its calls overlap; each call waits `delayMs`, then echoes. */
export function overlapProbe(delayMs: number): CallProbe {
  const probe: CallProbe = {
    calls: [],
    maxActive: 0,
    active: 0,
    signals: [],
    fn: async (args: unknown[], context: HostCallContext) => {
      probe.calls.push(args);
      probe.signals.push(context.signal);
      probe.active++;
      probe.maxActive = Math.max(probe.maxActive, probe.active);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      probe.active--;
      return args[0];
    },
  };
  return probe;
}

/** A host function that never settles; it records the signal it was given. */
export function hangingProbe(): CallProbe {
  const probe: CallProbe = {
    calls: [],
    maxActive: 0,
    active: 0,
    signals: [],
    fn: (args: unknown[], context: HostCallContext) => {
      probe.calls.push(args);
      probe.signals.push(context.signal);
      return new Promise(() => {});
    },
  };
  return probe;
}

/**
 * Where plain V8 (node:vm, the same engine) reports the first frame of an error thrown by `code`
 * run as a classic script: the true position the sandbox must map back to.
 */
export function referencePosition(code: string): { line: number; column: number } {
  try {
    new vm.Script(code, { filename: 'reference.js' }).runInNewContext({});
  } catch (error) {
    // The error comes from another realm: no `instanceof Error`.
    const stack = typeof error === 'object' && error !== null && 'stack' in error ? String(error.stack) : '';
    const match = /reference\.js:(\d+):(\d+)/.exec(stack);
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
    throw new Error(`no position in the reference stack: ${stack}`);
  }
  throw new Error('the reference code did not throw');
}

/** Wait until `check` is true (polling), for host-side effects that follow a run. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Providers for host functions given by full dotted name, as tests write them: `'tools.web.fetch'`
 * goes to the provider `tools` as `web.fetch`; a bare name (`'send'`) is a namespace that is itself
 * the function.
 */
export function hostProviders(bindings: Record<string, HostFunction>): SandboxProvider[] {
  const byNamespace = new Map<string, Record<string, HostFunction>>();
  for (const [name, fn] of Object.entries(bindings)) {
    const dot = name.indexOf('.');
    const namespace = dot < 0 ? name : name.slice(0, dot);
    const path = dot < 0 ? '' : name.slice(dot + 1);
    const group = byNamespace.get(namespace) ?? {};
    group[path] = fn;
    byNamespace.set(namespace, group);
  }
  return [...byNamespace].map(([namespace, group]) => ({ namespace, bindings: group }));
}

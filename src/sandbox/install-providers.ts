/**
 * Puts a run's providers into a session's context. A provider whose namespace, binding names,
 * prelude and data are those already installed costs nothing (only the host-side function table is
 * swapped); a changed one is installed again; one no longer given is removed. The prelude (a checked
 * runtime file) is compiled from the process's code cache, and receives the runtime kit: the one
 * copy of the close-name rules (src/text/close-names.ts).
 */
import type ivm from 'isolated-vm';
import { UsageError } from '../errors.ts';
import { isIdentifier } from '../text/identifiers.ts';
import type { IsolateSession, RuntimeOp } from './isolate-session.ts';
import { loadRuntimeModule } from './runtime-module.ts';
import type { ScriptCache } from './script-cache.ts';
import type { HostBindings, SandboxProvider } from './types.ts';

const KIT_FILE = new URL('../text/close-names.ts', import.meta.url);

/** What one session has installed: namespace -> key of the provider as installed. */
export type Installed = Map<string, string>;

const keys = new WeakMap<SandboxProvider, string>();
/** The kit, evaluated once per session that needs it (released with the isolate). */
const kits = new WeakMap<IsolateSession, ivm.Reference<unknown>>();

/** A provider's identity as the isolate sees it (what would have to be installed again). */
function keyOf(provider: SandboxProvider): string {
  let key = keys.get(provider);
  if (key === undefined) {
    const prelude = provider.prelude;
    key = JSON.stringify([
      Object.keys(provider.bindings).sort(),
      prelude?.file.href ?? null,
      prelude?.data ?? null,
      prelude?.globals ?? [],
    ]);
    keys.set(provider, key);
  }
  return key;
}

/** Check the providers and flatten their bindings by full dotted name (`tools.web.fetch`). */
export function flattenBindings(providers: readonly SandboxProvider[]): HostBindings {
  const flat: HostBindings = {};
  const seen = new Set<string>();
  for (const provider of providers) {
    const namespace = provider.namespace;
    if (!isIdentifier(namespace))
      throw new UsageError(`sandbox provider namespace "${namespace}" is not an identifier`);
    if (seen.has(namespace))
      throw new UsageError(`two sandbox providers define the namespace "${namespace}"`);
    seen.add(namespace);
    for (const [path, fn] of Object.entries(provider.bindings)) {
      if (path !== '' && !path.split('.').every(isIdentifier)) {
        throw new UsageError(
          `binding "${path}" of provider ${namespace} is not a dotted path of identifiers`,
        );
      }
      flat[path === '' ? namespace : `${namespace}.${path}`] = fn;
    }
  }
  return flat;
}

/** Install what changed since the last run of this session; returns when the context has it. */
export async function installProviders(
  session: IsolateSession,
  installed: Installed,
  providers: readonly SandboxProvider[],
  cache: ScriptCache,
): Promise<void> {
  const wanted = new Map(providers.map((provider) => [provider.namespace, provider]));
  for (const namespace of [...installed.keys()]) {
    if (wanted.has(namespace)) continue;
    installed.delete(namespace);
    await call(session, ['unprovide', namespace]);
  }
  for (const provider of providers) {
    const key = keyOf(provider);
    if (installed.get(provider.namespace) === key) continue;
    const prelude = provider.prelude
      ? await evaluate(session, cache, provider.prelude.file, 'prelude')
      : undefined;
    let kit = kits.get(session);
    if (prelude && !kit) {
      kit = await evaluate(session, cache, KIT_FILE);
      kits.set(session, kit);
    }
    const spec = JSON.stringify({
      namespace: provider.namespace,
      paths: Object.keys(provider.bindings),
      data: provider.prelude?.data,
      globals: provider.prelude?.globals ?? [],
    });
    await call(session, ['provide', spec, prelude?.derefInto(), prelude ? kit?.derefInto() : undefined]);
    installed.set(provider.namespace, key);
  }
}

/** A runtime file's exports (or one of them) in the session's context, as a reference. */
async function evaluate(
  session: IsolateSession,
  cache: ScriptCache,
  file: URL,
  name?: string,
): Promise<ivm.Reference<unknown>> {
  const module = loadRuntimeModule(file);
  if (name !== undefined && !module.exports.includes(name)) {
    throw new UsageError(`runtime file ${module.filename} exports no ${name}`);
  }
  const code = name === undefined ? module.source : `${module.source}.${name}`;
  const sync = session.idle;
  const script = await cache.compile(session.isolate, code, module.filename, sync);
  const options = { reference: true, timeout: 2000 } as const;
  try {
    return sync
      ? script.runSync(session.context, options)
      : await session.track(script.run(session.context, options));
  } finally {
    script.release();
  }
}

function call(session: IsolateSession, args: [RuntimeOp, ...unknown[]]): Promise<unknown> | unknown {
  const [op, ...rest] = args;
  return session.idle
    ? session.api.applySync(undefined, [op, ...(rest as never[])], { timeout: 2000 })
    : session.track(session.api.apply(undefined, [op, ...(rest as never[])], { timeout: 2000 }));
}

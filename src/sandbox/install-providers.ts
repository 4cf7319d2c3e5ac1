/**
 * Plans what a run's providers change in a session's context. A provider whose namespace, binding
 * names, prelude and data are those already installed costs nothing (only the host-side function
 * table is swapped); a changed one is installed again; one no longer given is removed. The prelude (a checked
 * runtime file) goes in as source and is compiled when its namespace is first touched, with the
 * runtime kit: the one copy of the close-name rules (src/text/close-names.ts).
 */
import { UsageError } from '../errors.ts';
import { isIdentifier } from '../text/identifiers.ts';
import { loadRuntimeModule } from './runtime-module.ts';
import type { HostBindings, SandboxProvider } from './types.ts';

const KIT_FILE = new URL('../text/close-names.ts', import.meta.url);

/** What one session has installed: namespace -> key of the provider as installed. */
export type Installed = Map<string, string>;

const keys = new WeakMap<SandboxProvider, string>();
/** The sessions (by their installed map) whose context has the kit's source. */
const withKit = new WeakSet<Installed>();

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

/** What a run has to install: the specs (for the runtime's `execute`), and how to record them. */
export interface ProviderPlan {
  /** JSON of the changes, or undefined when the context has them all already. */
  specs: string | undefined;
  /** Record the changes as installed (call once the run's code was entered, which applies them). */
  commit(): void;
}

/**
 * The changes since the last run of this session. They go into the isolate with the run itself
 * (no call of their own), so an unchanged set costs nothing and a changed one no extra crossing.
 */
export function planProviders(installed: Installed, providers: readonly SandboxProvider[]): ProviderPlan {
  const wanted = new Set(providers.map((provider) => provider.namespace));
  const specs: string[] = [];
  const changes: [string, string | undefined][] = [];
  for (const namespace of installed.keys()) {
    if (wanted.has(namespace)) continue;
    specs.push(JSON.stringify({ namespace, remove: true }));
    changes.push([namespace, undefined]);
  }
  let kit = withKit.has(installed);
  for (const provider of providers) {
    const key = keyOf(provider);
    if (installed.get(provider.namespace) === key) continue;
    // The kit goes before the first prelude a context gets; the runtime keeps it.
    if (provider.prelude && !kit) {
      specs.push(`{"kit":${jsonSourceOf(KIT_FILE)}}`);
      kit = true;
    }
    specs.push(specOf(provider));
    changes.push([provider.namespace, key]);
  }
  return {
    specs: specs.length > 0 ? `[${specs.join(',')}]` : undefined,
    commit() {
      for (const [namespace, key] of changes) {
        if (key === undefined) installed.delete(namespace);
        else installed.set(namespace, key);
      }
      if (kit) withKit.add(installed);
    },
  };
}

const specs = new WeakMap<SandboxProvider, string>();
const jsonSources = new Map<string, string>();

/** A provider's spec as JSON, made once per provider object (its prelude's source is the bulk). */
function specOf(provider: SandboxProvider): string {
  let spec = specs.get(provider);
  if (spec === undefined) {
    const prelude = provider.prelude;
    const head = JSON.stringify({
      namespace: provider.namespace,
      paths: Object.keys(provider.bindings),
      globals: prelude?.globals ?? [],
      ...(prelude ? { data: prelude.data } : {}),
    });
    spec = prelude ? `${head.slice(0, -1)},"prelude":${jsonSourceOf(prelude.file, 'prelude')}}` : head;
    specs.set(provider, spec);
  }
  return spec;
}

/** `sourceOf` as a JSON string, once per process (escaping kilobytes of source is not free). */
function jsonSourceOf(file: URL, name?: string): string {
  const key = `${file.href}#${name ?? ''}`;
  let json = jsonSources.get(key);
  if (json === undefined) {
    json = JSON.stringify(sourceOf(file, name));
    jsonSources.set(key, json);
  }
  return json;
}

/**
 * A runtime file's exports (or one of them) as source for the runtime to compile when a namespace
 * is first touched; named `toolsmith:...` so its frames stay out of the agent's stack traces.
 */
function sourceOf(file: URL, name?: string): string {
  const module = loadRuntimeModule(file);
  if (name !== undefined && !module.exports.includes(name)) {
    throw new UsageError(`runtime file ${module.filename} exports no ${name}`);
  }
  return `${module.source}${name === undefined ? '' : `.${name}`}\n//# sourceURL=${module.filename}`;
}

/**
 * The three parts of vectra the skill index uses (LocalIndex, LocalFileStorage, JsonCodec), loaded
 * from their own files. vectra's entry point also loads its document pipeline (a GPT tokenizer, an
 * HTML parser, protobuf, transformers and OpenAI embedders): about 1 s of CPU at every start of
 * `toolsmith run`, `chat` or the bot, for code the index never calls. The package's `exports` map
 * offers only that entry point, so the files are required by their path beside it; the classes are the
 * very same objects the entry point exports (one module cache), and a vectra whose layout moved fails
 * here with the fix, not later inside the index.
 *
 * LocalIndex.js itself requires, as it loads, four modules it calls only on paths the skill index
 * never takes: wink's BM25 keyword search with its English model (`queryItems(..., isBm25)`) and
 * uuid (ids and metadata file names for items that come without an id; ours always have one). They
 * cost ~100 ms of CPU at every start, so LocalIndex.js gets stand-ins that load the real module on
 * first use (see `deferred`); the stand-ins leave the module cache once it has loaded.
 */
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import type * as Vectra from 'vectra';
import { ToolsmithError } from '../../errors.ts';

const require = createRequire(import.meta.url);
const lib = path.dirname(require.resolve('vectra'));

function part<T>(file: string, name: string): T {
  const loaded: unknown = require(path.join(lib, file));
  const value =
    typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'function')
    throw new ToolsmithError(
      `vectra's lib/${file} has no ${name}: the installed vectra is not the one in package-lock.json`,
      {
        fix: 'run npm ci',
      },
    );
  return value as T;
}

/** Modules LocalIndex.js requires but uses only for BM25 search and items without an id. */
const DEFERRED = {
  bm25: 'wink-bm25-text-search',
  nlp: 'wink-nlp',
  model: 'wink-eng-lite-web-model',
  uuid: 'uuid',
} as const;

/**
 * Run `load` with stand-ins for DEFERRED in the module cache (where a module is not loaded already),
 * then remove them, so a later `require` loads the real module. The stand-ins cover how LocalIndex.js
 * uses each: wink's two functions are called (the NLP one with the model as its argument, swapped
 * for the real model), uuid's functions are read from it at the call.
 */
function deferred<T>(load: () => T): T {
  const resolve = (name: string) => require.resolve(name, { paths: [lib] });
  const real = (name: string) => require(resolve(name)) as unknown;
  const model = Object.freeze({ standIn: DEFERRED.model });
  const standIns: Record<string, unknown> = {
    [DEFERRED.bm25]: (...args: unknown[]) => (real(DEFERRED.bm25) as (...a: unknown[]) => unknown)(...args),
    [DEFERRED.nlp]: (given: unknown, ...rest: unknown[]) =>
      (real(DEFERRED.nlp) as (...a: unknown[]) => unknown)(
        given === model ? real(DEFERRED.model) : given,
        ...rest,
      ),
    [DEFERRED.model]: model,
    [DEFERRED.uuid]: new Proxy({}, { get: (_, key) => Reflect.get(real(DEFERRED.uuid) as object, key) }),
  };
  const placed: string[] = [];
  for (const [name, exports] of Object.entries(standIns)) {
    const file = resolve(name);
    if (require.cache[file]) continue;
    const standIn = new Module(file);
    Object.assign(standIn, { filename: file, loaded: true, exports });
    require.cache[file] = standIn;
    placed.push(file);
  }
  try {
    return load();
  } finally {
    for (const file of placed) delete require.cache[file];
  }
}

/** vectra's LocalIndex. */
export const LocalIndex = deferred(() => part<typeof Vectra.LocalIndex>('LocalIndex.js', 'LocalIndex'));
/** vectra's LocalFileStorage. */
export const LocalFileStorage = part<typeof Vectra.LocalFileStorage>(
  'storage/LocalFileStorage.js',
  'LocalFileStorage',
);
/** vectra's JsonCodec. */
export const JsonCodec = part<typeof Vectra.JsonCodec>('codecs/JsonCodec.js', 'JsonCodec');
/** vectra's LocalIndex instance type. */
export type LocalIndex<
  T extends Record<string, Vectra.MetadataTypes> = Record<string, Vectra.MetadataTypes>,
> = Vectra.LocalIndex<T>;
/** vectra's LocalFileStorage instance type. */
export type LocalFileStorage = Vectra.LocalFileStorage;
/** vectra's JsonCodec instance type. */
export type JsonCodec = Vectra.JsonCodec;

/**
 * The three parts of vectra the skill index uses (LocalIndex, LocalFileStorage, JsonCodec), loaded
 * from their own files. vectra's entry point also loads its document pipeline (a GPT tokenizer, an
 * HTML parser, protobuf, transformers and OpenAI embedders): about 1 s of CPU at every start of
 * `toolsmith run`, `chat` or the bot, for code the index never calls. The package's `exports` map
 * offers only that entry point, so the files are required by their path beside it; the classes are the
 * very same objects the entry point exports (one module cache), and a vectra whose layout moved fails
 * here with the fix, not later inside the index.
 */
import { createRequire } from 'node:module';
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

/** vectra's LocalIndex. */
export const LocalIndex = part<typeof Vectra.LocalIndex>('LocalIndex.js', 'LocalIndex');
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

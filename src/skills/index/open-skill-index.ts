/** Opening the skill index: the file read (or created), a corrupt one kept aside, the journal replayed. */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { describeError, StorageError } from '../../errors.ts';
import { AtomicFileStorage, removeStaleTempFiles, writeFileAtomic } from './atomic-file-storage.ts';
import { JOURNAL_FILE, removeJournal, replayJournal } from './index-journal.ts';
import {
  INDEX_FILE,
  type IndexOpenStatus,
  type Loaded,
  SkillIndex,
  type SkillIndexOptions,
} from './skill-index.ts';
import {
  CorruptIndexError,
  mismatchError,
  SkillIndexCodec,
  type SkillIndexMetadata,
  sameEmbedder,
} from './skill-index-codec.ts';
import { LocalIndex } from './vectra-core.ts';

/**
 * Open (or create) the index in `folder`. A missing file, or one that does not parse as a skill index,
 * gives an empty index with status `missing` / `corrupt` (the corrupt file is kept beside it as
 * `index.json.corrupt-<time>`). An index built by another embedder is an error unless `ignoreMismatch`.
 */
export async function openSkillIndex(options: SkillIndexOptions): Promise<SkillIndex> {
  const { folder } = options;
  const file = path.join(folder, INDEX_FILE);
  try {
    await mkdir(folder, { recursive: true });
    await removeStaleTempFiles(folder, INDEX_FILE);
  } catch (cause) {
    throw new StorageError(`cannot create the skill index folder ${folder}: ${describeError(cause)}`, {
      fix: 'Check DATA_DIR and its permissions',
      cause,
    });
  }
  const codec = new SkillIndexCodec(options.embedder);
  const storage = new AtomicFileStorage();
  let index = new LocalIndex<SkillIndexMetadata>(folder, INDEX_FILE, storage, codec);
  let status: IndexOpenStatus = 'loaded';
  let problem: string | undefined;
  if (!(await index.isIndexCreated())) {
    status = 'missing';
  } else {
    try {
      await index.getIndexStats();
    } catch (error) {
      if (!(error instanceof CorruptIndexError)) {
        throw new StorageError(`cannot read the skill index ${file}: ${describeError(error)}`, {
          cause: error,
        });
      }
      status = 'corrupt';
      problem = error.message;
      await rename(file, `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    }
  }
  if (status === 'loaded' && !sameEmbedder(codec.embedder, options.embedder)) {
    if (!options.ignoreMismatch) throw mismatchError(codec.embedder, options.embedder, file);
  }
  if (status !== 'loaded') {
    codec.embedder = { ...options.embedder };
    await writeFileAtomic(file, codec.serializeIndex({ version: 1, metadata_config: {}, items: [] }));
    index = new LocalIndex<SkillIndexMetadata>(folder, INDEX_FILE, storage, codec);
    await index.getIndexStats();
  }
  const loaded = new Map<string, Loaded>();
  for (const item of await index.listItems()) {
    const metadata = { scope: item.metadata.scope, textHash: item.metadata.textHash };
    const encoded = codec.encode(item.vector);
    loaded.set(item.id, { item: { id: item.id, norm: item.norm, metadata, encoded }, vector: item.vector });
  }
  let journalLines = 0;
  if (status === 'loaded') {
    const replayed = await replayJournal(folder, codec, loaded);
    if (replayed.ok) journalLines = replayed.lines;
    else {
      loaded.clear();
      status = 'corrupt';
      problem = replayed.problem;
    }
  } else {
    await removeJournal(path.join(folder, JOURNAL_FILE));
  }
  const parts = { folder, codec, loaded: [...loaded.values()], journalLines, status };
  return new SkillIndex({ ...parts, ...(problem ? { problem } : {}) });
}

/**
 * The skill library at scale, with the real store, real vectra index and the local embedder:
 * local embedding throughput; query latency at 1k and 10k skills (end to end through `retrieve`,
 * and the index query alone); save latency at 10k (each save rewrites the index file atomically;
 * concurrent saves share writes); the start-up rebuild of 10k; and retrieval quality per embedder,
 * recall@1, recall@3 and MRR on 40 hand-written tasks with paraphrased queries
 * (bench/skills-recall-set.ts, bench/skills-recall.ts), among the seeds alone
 * and among 1000 synthetic distractors too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createEmbedder } from '../src/skills/embeddings/create-embedder.ts';
import { createLocalEmbedder, LOCAL_MODEL } from '../src/skills/embeddings/local-embedder.ts';
import { openSkillIndex } from '../src/skills/index/open-skill-index.ts';
import { SEEDS_DIR } from '../src/skills/open-from-config.ts';
import { openSkillLibrary } from '../src/skills/records/skill-library.ts';
import { operatorActor } from '../src/skills/records/trust.ts';
import { codeHash, toIdentifier } from '../src/skills/skill-name.ts';
import type { Embedder, SkillDraft, SkillLibrary } from '../src/skills/types.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { createSkillsRepo } from '../src/store/skills-repo.ts';
import { type BenchRow, measure, round } from './measure.ts';
import { measureRecall, saveRecallSet } from './skills-recall.ts';
import { RECALL_SET } from './skills-recall-set.ts';

const OPERATOR = operatorActor('bench');

const VERBS = [
  'parse',
  'format',
  'sum',
  'filter',
  'sort',
  'merge',
  'convert',
  'validate',
  'fetch',
  'group',
  'count',
  'clean',
  'export',
  'split',
  'rank',
];
const NOUNS = [
  'invoice',
  'ticket',
  'order',
  'sensor',
  'payroll',
  'survey',
  'booking',
  'shipment',
  'grade',
  'commit',
  'review',
  'forecast',
  'lead',
  'asset',
  'claim',
  'route',
  'recipe',
  'match',
  'playlist',
  'episode',
];
const EXTRAS = [
  'records',
  'rows',
  'totals',
  'per week',
  'by owner',
  'with dates',
  'from json',
  'as markdown',
  'for the channel',
  'with retries',
  'and flag outliers',
  'into buckets',
  'by status',
  'for export',
  'in batches',
];

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same library. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticDraft(i: number, next: () => number): SkillDraft {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const verb = pick(VERBS);
  const noun = pick(NOUNS);
  const name = `${verb}-${noun}-n${i}`;
  const id = toIdentifier(name);
  return {
    name,
    description: `${verb[0]?.toUpperCase()}${verb.slice(1)} ${noun} ${pick(EXTRAS)} ${pick(EXTRAS)}, then ${pick(VERBS)} the ${pick(NOUNS)} ${pick(EXTRAS)}.`,
    signature: `${id}(rows: object[]): object[]`,
    code: `function ${id}(rows) {\n  return rows.filter((row) => row.n !== ${i});\n}`,
    task: `${pick(VERBS)} the ${noun} ${pick(EXTRAS)} for team ${i % 97}`,
    scope: i % 2 === 0 ? 'global' : 'guild-1',
    author: 'bench',
    source: 'imported',
  };
}

/** Insert `count` synthetic skills straight into the store (one transaction). */
function fillStore(store: Store, count: number, seed: number): void {
  const repo = createSkillsRepo(store);
  const next = random(seed);
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const draft = syntheticDraft(seed * 100_000 + i, next);
      repo.insert({
        ...draft,
        tools: [],
        hash: codeHash(draft.code),
        checkResult: '',
        note: 'import',
        state: 'approved',
      });
    }
  });
}

const withDir = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-skills-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

async function openAt(dir: string, store: Store, seeds = false): Promise<SkillLibrary> {
  return openSkillLibrary({
    store,
    embedder: createLocalEmbedder(),
    indexDir: path.join(dir, 'skills-index'),
    ...(seeds ? { seedsDir: SEEDS_DIR } : {}),
  });
}

/** The configured embedder when it is not the local one and has what it needs (else undefined). */
function configuredEmbedder() {
  try {
    const config = loadConfig();
    if (config.skills.provider === 'local' || !config.skills.apiKey) return undefined;
    return createEmbedder(config.skills);
  } catch {
    return undefined;
  }
}

/** recall@1, recall@3 and MRR on the paraphrase set, among the seeds and then 1000 distractors too. */
async function quality(embedder: Embedder, label: string): Promise<BenchRow[]> {
  return withDir(async (dir) => {
    const store = openStore({ dataDir: dir });
    const open = (seeds: boolean) =>
      openSkillLibrary({
        store,
        embedder,
        indexDir: path.join(dir, 'skills-index'),
        ...(seeds ? { seedsDir: SEEDS_DIR } : {}),
      });
    const library = await open(true);
    await saveRecallSet(library);
    const rows: BenchRow[] = [];
    const row = async (lib: SkillLibrary, name: string, note: string) => {
      const started = process.hrtime.bigint();
      const figures = await measureRecall(lib);
      const us = Number(process.hrtime.bigint() - started) / 1000 / figures.total;
      rows.push({
        name,
        medianUs: round(us),
        runs: figures.total,
        note: `recall@3 = ${round(figures.recallAt3, 3)}, MRR = ${round(figures.mrr, 3)}, recall@1 = ${round(figures.recallAt1, 3)} (${label}; ${note})`,
      });
    };
    await row(library, `recall set, ${label}, among ${library.list().length} skills`, 'time is per query');
    await library.close();
    fillStore(store, 1000, 7);
    const bigger = await open(false);
    await row(
      bigger,
      `recall set, ${label}, among ${bigger.list().length} skills`,
      '1000 synthetic distractors',
    );
    await bigger.close();
    store.close();
    return rows;
  });
}

export default async function skillsBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const embedder = createLocalEmbedder();
  const text = `${RECALL_SET[0]?.name}: ${RECALL_SET[0]?.description}\nTask: ${RECALL_SET[0]?.task}`;
  const embedRow = await measure('local embed, one skill text', () => embedder.embed([text], 'document'), {
    runs: 2000,
    warmup: 200,
  });
  rows.push({
    ...embedRow,
    note: `${Math.round(1e6 / embedRow.medianUs)} texts/s, ${text.length} chars, ${LOCAL_MODEL}`,
  });

  // Quality per embedder: the local one always; the configured one too when it has its key.
  rows.push(...(await quality(embedder, `local/${LOCAL_MODEL}`)));
  const remote = configuredEmbedder();
  if (remote) rows.push(...(await quality(remote, `${remote.info.provider}/${remote.info.model}`)));
  else
    rows.push({
      name: 'recall set, voyage / openai-compatible',
      medianUs: 0,
      runs: 0,
      note: 'not measured: set EMBEDDINGS_PROVIDER and its key to measure the configured embedder',
    });

  for (const size of [1000, 10_000]) {
    await withDir(async (dir) => {
      const store = openStore({ dataDir: dir });
      fillStore(store, size, size);
      const started = process.hrtime.bigint();
      const library = await openAt(dir, store);
      const rebuildUs = Number(process.hrtime.bigint() - started) / 1000;
      rows.push({
        name: `start-up rebuild of ${size} skills`,
        medianUs: round(rebuildUs),
        runs: 1,
        note: 'missing index: embed all + one atomic write',
      });
      const next = random(size + 1);
      const queries = Array.from({ length: 50 }, (_, i) => syntheticDraft(i, next).task);
      let q = 0;
      rows.push(
        await measure(
          `retrieve at ${size} skills`,
          () =>
            library.retrieve({ text: queries[q++ % queries.length] ?? '', scope: 'guild-1', author: 'b' }),
          { runs: 200, warmup: 20, note: 'embed + index query + store reads + counters' },
        ),
      );
      const index = await openSkillIndex({ folder: path.join(dir, 'skills-index'), embedder: embedder.info });
      const vectors = await embedder.embed(queries, 'query');
      rows.push(
        await measure(
          `index query only at ${size} skills`,
          () => index.query(vectors[q++ % vectors.length] ?? [], ['guild-1', 'global'], 12),
          { runs: 200, warmup: 20, note: 'cosine over every item (packed float32), scope filter' },
        ),
      );
      if (size === 10_000) {
        let n = 0;
        rows.push(
          await measure(
            'save at 10000 skills',
            () => library.save(syntheticDraft(900_000 + n++, next), OPERATOR),
            {
              runs: 20,
              warmup: 2,
              note: 'store insert (record + version) + embed + journal append (fsync)',
            },
          ),
        );
        const concurrent = await measure(
          '10 concurrent saves at 10000 skills',
          () =>
            Promise.all(
              Array.from({ length: 10 }, () => library.save(syntheticDraft(900_000 + n++, next), OPERATOR)),
            ),
          { runs: 5, warmup: 1 },
        );
        rows.push({
          ...concurrent,
          note: `per batch of 10; group commit shares journal appends (${round(concurrent.medianUs / 10 / 1000, 1)} ms per save)`,
        });
      }
      await library.close();
      store.close();
    });
  }
  return rows;
}

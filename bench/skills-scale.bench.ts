/**
 * The skill library at 50k skills: how long a save, and the first search after a save, block the
 * event loop. A 1 ms timer measures the longest gap between its ticks during each operation; the
 * baseline is the same timer over an idle 50 ms window, taken round robin with the operations so a
 * drifting machine affects all three alike. Real store, real index file, local embedder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalEmbedder } from '../src/skills/embeddings/local-embedder.ts';
import { openSkillLibrary } from '../src/skills/records/skill-library.ts';
import { operatorActor } from '../src/skills/records/trust.ts';
import { codeHash } from '../src/skills/skill-name.ts';
import { openStore } from '../src/store/open-store.ts';
import { createSkillsRepo } from '../src/store/skills-repo.ts';
import { type BenchRow, round } from './measure.ts';

const SIZE = 50_000;
const ROUNDS = 12;
const TOPICS = [
  'invoice',
  'ticket',
  'order',
  'sensor',
  'payroll',
  'survey',
  'booking',
  'shipment',
  'grade',
  'route',
];
const VERBS = ['parse', 'format', 'sum', 'filter', 'sort', 'merge', 'convert', 'validate', 'group', 'clean'];

const nameOf = (i: number) => `${VERBS[i % 10]}-${TOPICS[Math.floor(i / 10) % 10]}-n${i}`;
const identifierOf = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

function draftOf(i: number) {
  const name = nameOf(i);
  const code = `function ${identifierOf(name)}(rows) {\n  return rows.filter((row) => row.n !== ${i});\n}`;
  return {
    name,
    description: `${VERBS[i % 10]} ${TOPICS[(i * 7) % 10]} records ${i % 13} ways, then ${VERBS[(i * 3) % 10]} the ${TOPICS[(i * 11) % 10]} totals.`,
    signature: `${identifierOf(name)}(rows)`,
    code,
    task: `${VERBS[(i * 5) % 10]} the ${TOPICS[i % 10]} for team ${i % 97}`,
    scope: i % 2 === 0 ? 'global' : 'guild-1',
    author: 'bench',
    source: 'imported' as const,
  };
}

/** The longest gap between ticks of a 1 ms timer while `fn` runs, in ms. */
async function stallDuring(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  try {
    await fn();
    // One more tick, so a stall at the very end is seen.
    await new Promise((resolve) => setTimeout(resolve, 2));
  } finally {
    clearInterval(timer);
  }
  return Math.max(worst, performance.now() - last);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export default async function skillsScaleBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-skills-scale-'));
  try {
    const store = openStore({ dataDir: dir });
    const repo = createSkillsRepo(store);
    store.transaction(() => {
      for (let i = 0; i < SIZE; i++) {
        const draft = draftOf(i);
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
    const started = performance.now();
    const library = await openSkillLibrary({
      store,
      embedder: createLocalEmbedder(),
      indexDir: path.join(dir, 'skills-index'),
    });
    const openMs = performance.now() - started;
    const operator = operatorActor('bench');
    // Warm up: the first query builds the packed matrix (start-up work, not per save).
    await library.search('sum the payroll totals', ['guild-1', 'global'], 3);
    const idle: number[] = [];
    const saves: number[] = [];
    const searches: number[] = [];
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      idle.push(await stallDuring(() => new Promise((resolve) => setTimeout(resolve, 50))));
      saves.push(await stallDuring(() => library.save(draftOf(SIZE + round_), operator)));
      searches.push(
        await stallDuring(() =>
          library.search(`${VERBS[round_ % 10]} the ${TOPICS[round_ % 10]} rows`, ['guild-1', 'global'], 3),
        ),
      );
    }
    await library.close();
    store.close();
    const row = (name: string, values: number[], note: string): BenchRow => ({
      name,
      medianUs: round(median(values) * 1000),
      p99Us: round(Math.max(...values) * 1000),
      runs: values.length,
      note,
    });
    return [
      {
        name: `open a library of ${SIZE} skills (index rebuilt)`,
        medianUs: round(openMs * 1000),
        runs: 1,
        note: 'embed every skill + one index file',
      },
      row(`event-loop stall, idle 50 ms (baseline)`, idle, 'longest gap of a 1 ms timer; p99 column = worst'),
      row(
        `event-loop stall during a save at ${SIZE} skills`,
        saves,
        `target < 20 ms; file written in parts; baseline median ${round(median(idle), 1)} ms`,
      ),
      row(
        `event-loop stall, first search after a save at ${SIZE}`,
        searches,
        'matrix updated in place, not rebuilt',
      ),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

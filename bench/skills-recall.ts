/**
 * Retrieval quality on the paraphrase set (bench/skills-recall-set.ts): each case's skill is saved,
 * then its query is asked; recall@k is the share of queries whose skill ranks in the top k, MRR the
 * mean of 1/rank (0 past the cut-off). Ranking is the library's own (`search`, no score floor).
 */
import { operatorActor } from '../src/skills/records/trust.ts';
import { toIdentifier } from '../src/skills/skill-name.ts';
import type { SkillLibrary } from '../src/skills/types.ts';
import { RECALL_SET } from './skills-recall-set.ts';

export interface RecallFigures {
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  total: number;
  /** Queries whose skill was not in the top 3, with the rank it had (0: beyond 20). */
  misses: Array<{ name: string; rank: number }>;
}

/** Save every case as an approved skill of `scope` (ids and code made up; the text is what counts). */
export async function saveRecallSet(library: SkillLibrary, scope = 'guild-1'): Promise<void> {
  const operator = operatorActor('bench');
  for (const item of RECALL_SET) {
    const id = toIdentifier(item.name);
    await library.save(
      {
        ...item,
        name: `${item.name}-case`,
        signature: `${id}Case(input)`,
        code: `function ${id}Case(input) {\n  return input; // ${item.name}\n}`,
        scope,
        author: 'bench',
        source: 'imported',
      },
      operator,
    );
  }
}

export async function measureRecall(library: SkillLibrary, scope = 'guild-1'): Promise<RecallFigures> {
  let at1 = 0;
  let at3 = 0;
  let reciprocal = 0;
  const misses: RecallFigures['misses'] = [];
  for (const item of RECALL_SET) {
    const hits = await library.search(item.query, [scope, 'global'], 20);
    // The seeds cover some cases' needs under the same name: either answers the query.
    const rank =
      hits.findIndex((hit) => hit.skill.name === `${item.name}-case` || hit.skill.name === item.name) + 1;
    if (rank === 1) at1++;
    if (rank >= 1 && rank <= 3) at3++;
    else misses.push({ name: item.name, rank });
    if (rank >= 1) reciprocal += 1 / rank;
  }
  const total = RECALL_SET.length;
  return { recallAt1: at1 / total, recallAt3: at3 / total, mrr: reciprocal / total, total, misses };
}

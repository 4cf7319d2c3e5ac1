/**
 * The local embedder's fixed vocabulary knowledge: stop words (weight 0), low-information words (an
 * IDF prior: words that appear in most task texts weigh little), and concept groups of words that
 * mean the same thing in data and scripting tasks, so "add up the amounts" meets "sum values".
 * Changing this file changes the vectors: bump LOCAL_MODEL in local-embedder.ts so indexes reindex.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a an the and or but if then else of to in on at by for with from into onto as is are was were be been
  being am do does did doing have has had having it its this that these those there here i me my we our
  you your he she they them their his her him what which who whom whose how why when where can could
  should would will shall may might must please pls just also so than too very really some any all
  each every both either neither not no nor only own same such s t d ll m o re ve y let lets let's
  want wants need needs like would okay ok hey hi thanks thank help quickly quick about up down out
  over under further once via`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that say little about which skill fits: most tasks contain them. */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `get got make made take use using used given give show tell find return returns returned value values
  data item items thing things list lists function functions code skill task result results simple
  helper something anything everything way new one two first next last other another more most many
  much few lot lots work works run running write need needed able whole entire kind type types
  input output inputs outputs do done go going put set string strings object objects array arrays`
    .split(/\s+/)
    .filter(Boolean),
);

/** Concepts so common in task texts that they weigh like common words (their IDF is low). */
export const BROAD_CONCEPTS: ReadonlySet<string> = new Set([
  'table',
  'json',
  'text',
  'convert',
  'format',
  'number',
  'file',
  'growth',
  'filter',
]);

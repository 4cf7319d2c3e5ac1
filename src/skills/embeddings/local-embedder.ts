/**
 * The default embedder: offline, nothing downloaded, deterministic, fast. A text becomes a sparse bag of
 * features — word stems, concepts from a small lexicon of synonyms, word bigrams and character
 * trigrams — each weighted (stop words 0, common words low: a fixed IDF prior) with sublinear counts,
 * then hashed with a sign bit into a fixed number of dimensions (the hashing trick) and L2-normalised.
 * Concepts make paraphrases meet ("add up the amounts" / "sum values"); trigrams make word forms meet
 * ("dedupe" / "duplicates"); bigrams keep a little word order.
 */
import type { Embedder, EmbedKind } from '../types.ts';
import { CONCEPT_GROUPS } from './concept-groups.ts';
import { BROAD_CONCEPTS, COMMON_WORDS, STOP_WORDS } from './lexicon.ts';
import { stem, words } from './tokenize.ts';

/** The model id recorded in the index; bump when features or the lexicon change. */
export const LOCAL_MODEL = 'toolsmith-hash-v1';
export const LOCAL_DIMENSIONS = 512;

const WEIGHT = { word: 1, concept: 1, broadConcept: 0.4, common: 0.35, bigram: 0.4, trigram: 0.2 } as const;

const conceptWeight = (concept: string) =>
  BROAD_CONCEPTS.has(concept) ? WEIGHT.broadConcept : WEIGHT.concept;

interface Lexicon {
  single: Map<string, string[]>;
  phrases: Map<string, string[]>;
}

function buildLexicon(): Lexicon {
  const single = new Map<string, string[]>();
  const phrases = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, concept: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(concept)) list.push(concept);
    map.set(key, list);
  };
  for (const group of CONCEPT_GROUPS) {
    const concept = group[0] ?? '';
    for (const entry of group) {
      const parts = words(entry);
      if (parts.length === 1) add(single, stem(parts[0] ?? ''), concept);
      else if (parts.length > 1) {
        add(phrases, parts.join(' '), concept);
        add(phrases, parts.map(stem).join(' '), concept);
      }
    }
  }
  return { single, phrases };
}

/** FNV-1a, 32 bits. */
function hash(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The weighted features of a text, before hashing (exported for tests and tuning). */
export function localFeatures(text: string, lexicon: Lexicon = defaultLexicon()): Map<string, number> {
  const features = new Map<string, number>();
  const add = (key: string, weight: number) => {
    if (weight > 0) features.set(key, (features.get(key) ?? 0) + weight);
  };
  const raw = words(text);
  const stems = raw.map(stem);
  for (let i = 0; i < raw.length; i++) {
    for (const n of [3, 2]) {
      if (i + n > raw.length) continue;
      const concepts =
        lexicon.phrases.get(raw.slice(i, i + n).join(' ')) ??
        lexicon.phrases.get(stems.slice(i, i + n).join(' '));
      for (const concept of concepts ?? []) add(`c:${concept}`, conceptWeight(concept));
    }
  }
  const content: Array<{ stem: string; weight: number }> = [];
  for (let i = 0; i < raw.length; i++) {
    const word = raw[i] ?? '';
    if (STOP_WORDS.has(word) || /^\d+$/.test(word) || word.length < 2) continue;
    const s = stems[i] ?? word;
    const weight = COMMON_WORDS.has(word) || COMMON_WORDS.has(s) ? WEIGHT.common : WEIGHT.word;
    content.push({ stem: s, weight });
    add(`w:${s}`, weight);
    for (const concept of lexicon.single.get(s) ?? []) add(`c:${concept}`, weight * conceptWeight(concept));
    if (s.length >= 4) {
      const padded = `<${s}>`;
      for (let j = 0; j + 3 <= padded.length; j++)
        add(`g:${padded.slice(j, j + 3)}`, weight * WEIGHT.trigram);
    }
  }
  for (let i = 0; i + 1 < content.length; i++) {
    const a = content[i];
    const b = content[i + 1];
    if (a && b) add(`b:${a.stem} ${b.stem}`, Math.min(a.weight, b.weight) * WEIGHT.bigram);
  }
  return features;
}

let cachedLexicon: Lexicon | undefined;
function defaultLexicon(): Lexicon {
  cachedLexicon ??= buildLexicon();
  return cachedLexicon;
}

/** Hash features into a unit vector of `dimensions` numbers (all zeros for a text with no features). */
export function embedLocal(text: string, dimensions = LOCAL_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const [feature, total] of localFeatures(text)) {
    const h = hash(feature);
    const index = h % dimensions;
    const sign = hash(feature, 0x9747b28c) & 1 ? 1 : -1;
    const value = total > 1 ? 1 + Math.log(total) : total;
    vector[index] = (vector[index] ?? 0) + sign * value;
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

/** The local embedder. `dimensions` defaults to 512; query and document texts embed alike. */
export function createLocalEmbedder(options: { dimensions?: number } = {}): Embedder {
  const dimensions = options.dimensions ?? LOCAL_DIMENSIONS;
  return {
    info: { provider: 'local', model: LOCAL_MODEL, dimensions },
    async embed(texts: readonly string[], _kind: EmbedKind) {
      return texts.map((text) => embedLocal(text, dimensions));
    },
  };
}

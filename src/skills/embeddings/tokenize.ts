/** Text to word stems for the local embedder: split code identifiers, lowercase, drop stop words, stem. */

/** Split `parseCSVRows`, `parse_csv-rows` and `parse csv rows` alike into lowercase words. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[$€£¥]/g, ' currency ')
    .replace(/%/g, ' percent ')
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

const VOWEL = /[aeiouy]/;

/** Suffix, its replacement, and the shortest word (after the plural rule) it is taken from. */
const SUFFIXES: ReadonlyArray<readonly [string, string, number]> = [
  ['ization', 'ize', 9],
  ['isation', 'ize', 9],
  ['ational', 'ate', 9],
  ['ation', 'ate', 7],
  ['ness', '', 7],
  ['ment', '', 8],
  ['ing', '', 6],
  ['edly', '', 7],
  ['ed', '', 5],
  ['ly', '', 6],
  ['er', '', 6],
];

/**
 * A light suffix stemmer (a small subset of Porter's rules): enough that parse, parses, parsed,
 * parser and parsing meet, and formatting meets format. Character n-grams catch what it misses.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);

  for (const [suffix, replacement, minLength] of SUFFIXES) {
    if (w.length >= minLength && w.endsWith(suffix)) {
      const base = w.slice(0, -suffix.length);
      if (!VOWEL.test(base)) break;
      w = base + replacement;
      // formatt(ing) -> format, but keep -ll, -ss, -zz (spell, pass, buzz).
      if (replacement === '' && /([^aeiouylsz])\1$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('y') && w.length > 3 && !VOWEL.test(w.at(-2) ?? 'a')) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

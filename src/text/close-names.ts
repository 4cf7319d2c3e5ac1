/**
 * "Did you mean …?" suggestions: the one Levenshtein and the one name normalisation of the project,
 * used by the tool hub and the skill library on the host and, loaded as a runtime file, by the
 * sandbox's preludes and import loader. Self-contained on purpose: it runs inside the isolate too.
 */

/** Edit distance (Levenshtein) between two strings. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** Lowercase letters and digits only: `get-sum`, `get_sum` and `getSum` all become `getsum`. */
export function normalizeName(name: string): string {
  return String(name)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Up to `limit` names from `candidates` close to `wanted`, closest first: equal after `normalize`,
 * then containing one another, then by edit distance (at most a third of the name, and at least 2).
 * The default normalisation ignores case and separators (`get-sum` finds `getSum`).
 */
export function closeNames(
  wanted: string,
  candidates: readonly string[],
  limit = 3,
  normalize: (name: string) => string = normalizeName,
): string[] {
  const target = normalize(wanted);
  return candidates
    .map((name) => {
      const normal = normalize(name);
      const distance =
        normal.includes(target) || target.includes(normal) ? 0.5 : editDistance(target, normal);
      return { name, distance: normal === target ? 0 : distance };
    })
    .filter((entry) => entry.distance <= Math.max(2, Math.floor(target.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** "Did you mean …?" suggestions, shared by the tool hub and the skill library. */

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

/**
 * Up to `limit` names from `candidates` close to `wanted`, closest first: equal after `normalize`,
 * then containing one another, then by edit distance (at most a third of the name, and at least 2).
 */
export function closeNames(
  wanted: string,
  candidates: readonly string[],
  limit = 3,
  normalize: (name: string) => string = (name) => name.toLowerCase(),
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

/**
 * "Expected-ish" equality for the distiller's example: numbers within a relative 1e-6, strings equal
 * after trimming, objects compared by their defined keys, null and undefined alike.
 */
export function looselyEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual == null || expected == null) return actual == null && expected == null;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(actual), Math.abs(expected));
  }
  if (typeof actual === 'string' && typeof expected === 'string') return actual.trim() === expected.trim();
  if (Array.isArray(actual) || Array.isArray(expected)) {
    if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
    return actual.every((value, i) => looselyEqual(value, expected[i]));
  }
  if (typeof actual === 'object' && typeof expected === 'object') {
    const keys = (value: object) =>
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k)
        .sort();
    const a = keys(actual);
    const b = keys(expected);
    if (a.length !== b.length || a.some((key, i) => key !== b[i])) return false;
    return a.every((key) => looselyEqual(Reflect.get(actual, key), Reflect.get(expected, key)));
  }
  return false;
}

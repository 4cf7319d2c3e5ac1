/**
 * The one rule set for turning names into JavaScript identifiers in sandboxed code: MCP servers and
 * tools (`tools.github.getSum`) and skills (`skills.parseCsvRows`). Valid identifiers are kept as
 * they are; separators such as `-`, `.`, `/` and spaces turn into camelCase.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `name` can be written after a dot in JavaScript (`tools.<name>`). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * A JavaScript identifier for `name`, different from every name in `taken` (which it then joins).
 * `get-sum` -> `getSum`, `parse-csv-rows` -> `parseCsvRows`, `2fa` -> `_2fa`, a clash -> `name_2`.
 */
export function toIdentifier(name: string, taken: Set<string> = new Set()): string {
  let base = name;
  if (!isIdentifier(base)) {
    const words = name.split(/[^A-Za-z0-9_$]+/).filter(Boolean);
    base = words.map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
    if (base === '') base = 'tool';
    if (/^[0-9]/.test(base)) base = `_${base}`;
  }
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
  taken.add(candidate);
  return candidate;
}

/**
 * Names of MCP servers and tools become JavaScript identifiers in sandboxed code (`tools.github.getSum`).
 * Valid identifiers are kept as they are; separators such as `-`, `.`, `/` and spaces turn into camelCase.
 * Close-name suggestions use the same normalisation, so `get-sum` suggests `getSum`.
 */

import { closeNames as closeNamesBy } from '../text/close-names.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `name` can be written after a dot in JavaScript (`tools.<name>`). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * A JavaScript identifier for `name`, different from every name in `taken` (which it then joins).
 * `get-sum` -> `getSum`, `2fa` -> `_2fa`, a clash -> `name_2`.
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

/** Lowercase letters and digits only: `get-sum`, `get_sum` and `getSum` all become `getsum`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Up to `limit` names from `candidates` close to `wanted`, closest first (ignoring case and separators). */
export function closeNames(wanted: string, candidates: string[], limit = 3): string[] {
  return closeNamesBy(wanted, candidates, limit, normalizeName);
}

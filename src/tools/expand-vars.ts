/**
 * `${VAR}` and `${VAR:-default}` expansion, as Claude Code does it in `.mcp.json`, so configs can be
 * pasted and secrets stay in the environment instead of the file.
 */

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Toolsmith's own secrets: a tool server never gets them, even when mcp.json asks. */
export const PROTECTED_VARIABLES: readonly string[] = [
  'ANTHROPIC_API_KEY',
  'DISCORD_TOKEN',
  'EMBEDDINGS_API_KEY',
  'VOYAGE_API_KEY',
];

export type ExpandResult = { ok: true; value: string } | { ok: false; error: string };

/** Expand every reference in `text` from `env`; an unset variable without a default is an error. */
export function expandVars(text: string, env: Record<string, string | undefined>): ExpandResult {
  let error: string | undefined;
  const value = text.replace(REFERENCE, (whole, name: string, fallback: string | undefined) => {
    if (PROTECTED_VARIABLES.includes(name)) {
      error ??= `\${${name}} is Toolsmith's own secret and is never passed to tool servers`;
      return whole;
    }
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    error ??= `\${${name}} is not set (set it in the environment, or write \${${name}:-default})`;
    return whole;
  });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}

/**
 * Node's own TypeScript stripper (positions kept), without the one-time ExperimentalWarning it
 * prints: the sandbox strips its runtime files in every process that makes a session, and a
 * `toolsmith` started without `--disable-warning` should still print nothing but its output.
 */
import { stripTypeScriptTypes } from 'node:module';

/** `code` with its TypeScript types replaced by whitespace; throws what Node throws for unsupported syntax. */
export function stripTypes(code: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(code, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

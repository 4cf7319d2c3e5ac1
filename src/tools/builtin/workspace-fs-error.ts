/** File system errors of workspace tools as sentences for the agent, naming the path it gave. */
import { describeError } from '../../errors.ts';
import { ToolError } from '../tool-error.ts';

/** A ToolError for `error` met on the workspace path `relative` (a ToolError passes through). */
export function fsError(relative: string, error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return new ToolError(`no such file or folder in the workspace: "${relative}"`);
  if (code === 'ENOTEMPTY') return new ToolError(`folder "${relative}" is not empty; delete its files first`);
  if (code === 'EISDIR') return new ToolError(`"${relative}" is a folder`);
  return new ToolError(`"${relative}": ${describeError(error)}`);
}

/** A `.catch` handler that rethrows as `fsError(relative, error)`. */
export const rethrow =
  (relative: string) =>
  (error: unknown): never => {
    throw fsError(relative, error);
  };

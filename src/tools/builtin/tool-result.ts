/** The result shape of the built-in MCP servers' tools. */
import { describeError } from '../../errors.ts';

/**
 * Run a tool body: its value becomes structured content (and, for clients without structured content,
 * its JSON or a summary as text); a failure becomes an `isError` result.
 */
export async function ok<T extends Record<string, unknown>>(
  body: () => Promise<T>,
  text: (value: T) => string = JSON.stringify,
) {
  try {
    const value = await body();
    return { content: [{ type: 'text' as const, text: text(value) }], structuredContent: value };
  } catch (error) {
    return { content: [{ type: 'text' as const, text: describeError(error) }], isError: true };
  }
}

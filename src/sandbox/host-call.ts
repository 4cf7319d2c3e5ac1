/**
 * Serving one host call from the isolate: find the binding, parse its arguments, run it, and turn
 * what it returned (or threw) into the data the isolate settles the call with. Host promises never
 * reject across the boundary: the isolate side throws.
 */
import { SerializedJson } from './serialized-json.ts';
import type { HostBindings, HostCallContext } from './types.ts';

/** Largest host result copied into the isolate, in characters of JSON. */
export const MAX_RESULT_CHARS = 8_000_000;

/** How the isolate settles the call: `payload` is JSON of the value, or of `{ name, message }`. */
export interface Settlement {
  ok: boolean;
  payload: string | undefined;
}

export async function serveHostCall(
  bindings: HostBindings,
  name: string,
  argsJson: string,
  context: Omit<HostCallContext, 'name'>,
): Promise<Settlement> {
  try {
    // Own names only: `constructor` or `__proto__` must not reach Object's.
    const fn = Object.hasOwn(bindings, name) ? bindings[name] : undefined;
    if (!fn) throw new ReferenceError(`${name} is not available in this sandbox`);
    const parsed: unknown = JSON.parse(argsJson);
    const args = Array.isArray(parsed) ? parsed : [parsed];
    const value = await fn(args, { ...context, name });
    // A tool result comes serialised already (measured once, by the tool call).
    const payload =
      value === undefined ? undefined : value instanceof SerializedJson ? value.json : JSON.stringify(value);
    if (payload !== undefined && payload.length > MAX_RESULT_CHARS) {
      throw new RangeError(
        `the result of ${name} is too large (${payload.length} characters of JSON, limit ${MAX_RESULT_CHARS})`,
      );
    }
    return { ok: true, payload };
  } catch (error) {
    return {
      ok: false,
      payload: JSON.stringify({
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      }),
    };
  }
}

/** The distiller's instructions and the shape of its answer. */
import { z } from 'zod';

export const DISTILL_SYSTEM = `You turn JavaScript that solved a task into a reusable skill for a team's shared library.
The code ran in a V8 sandbox: no require, import, process, fetch or file system; tools are reached with \`await tools.<server>.<tool>(args)\` and library skills with \`await skills.<name>(...)\`.

Write ONE self-contained function that does the reusable part of the work:
- parameterised: data, text, ids and options are parameters, not values hard-coded from this task;
- returns its result (no console output), and throws an Error with a clear message on bad input;
- prefer a pure function over one that calls tools, so it can be checked on an example;
- the function's name is the skill name in camelCase;
- the code is exactly that one function declaration: nothing else at top level (no IIFE, no top-level await, no variables, no calls);
- call tools only as \`tools.<server>.<tool>(...)\` written out (never \`tools[name]\`), and only the tools the work needs.
- do not call \`skills.<name>(...)\`: a skill runs alone, so inline what it needs from other skills.

Reply with one JSON object and nothing else:
{"name": "lowercase-hyphen-name", "description": "What it does and when to use it, one or two sentences.", "signature": "camelName(param: type, options?: {...}): returnType", "code": "function camelName(...) { ... }", "example": "await camelName(<literal arguments>)", "expected": <the JSON value the example returns>}

The example must run on its own with literal arguments (no tools, no files) and finish in well under a second.
If the code is trivial, one-off, or has nothing worth reusing, reply {"skip": true, "reason": "..."} instead.`;

export const DistilledSchema = z.union([
  z.object({ skip: z.literal(true), reason: z.string().optional() }),
  z.object({
    name: z.string().min(1).max(100),
    description: z.string().min(1),
    signature: z.string().min(1),
    code: z.string().min(1),
    example: z.string().min(1),
    expected: z.unknown().optional(),
  }),
]);

/** The JSON object in a reply: the whole text, a ```json fence, or the outermost braces. */
export function extractJson(text: string): unknown {
  const candidates = [text.trim()];
  const fence = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  if (fence?.[1]) candidates.push(fence[1]);
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

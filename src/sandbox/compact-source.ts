/**
 * The runtime's source without comments and indentation: a V8 snapshot keeps the source of every
 * script it holds, and every new isolate and context pays for the bytes it keeps. Tokens are kept
 * as they are; between two tokens goes a newline where there was one (so automatic semicolon
 * insertion reads the code the same), else one space where there was any gap.
 */
import * as acorn from 'acorn';

export function compactSource(code: string): string {
  let out = '';
  let previousEnd = -1;
  for (const token of acorn.tokenizer(code, { ecmaVersion: 'latest' })) {
    if (previousEnd >= 0) {
      const gap = code.slice(previousEnd, token.start);
      if (gap.includes('\n')) out += '\n';
      else if (gap.length > 0) out += ' ';
    }
    out += code.slice(token.start, token.end);
    previousEnd = token.end;
  }
  return out;
}

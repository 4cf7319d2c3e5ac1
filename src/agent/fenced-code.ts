/**
 * The code actions of a reply in the fenced-actions protocol (AGENT_ACTIONS=fenced): the fenced
 * blocks tagged `js`, in order. Other tags (```javascript, ```ts, ```text, none) are shown code,
 * not actions, so an answer can still show code to the user.
 */

export interface FencedCode {
  /** The `js` blocks' code, in order. */
  blocks: string[];
  /** A `js` block was opened but never closed (the reply was cut off, or the model forgot). */
  unclosed: boolean;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})[ \t]*js[ \t]*$/;

/** Find the `js` blocks of a reply's text (CommonMark fences: ``` or ~~~, closed by a fence at least as long). */
export function extractFencedCode(text: string): FencedCode {
  const lines = text.split(/\r?\n/);
  const blocks: string[] = [];
  let fence: string | undefined;
  let inOther: string | undefined;
  let body: string[] = [];
  for (const line of lines) {
    if (fence) {
      if (isClosing(line, fence)) {
        blocks.push(body.join('\n'));
        fence = undefined;
        body = [];
      } else {
        body.push(line);
      }
      continue;
    }
    if (inOther) {
      if (isClosing(line, inOther)) inOther = undefined;
      continue;
    }
    const open = OPEN.exec(line);
    if (open?.[1]) {
      fence = open[1];
      continue;
    }
    const other = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (other?.[1]) inOther = other[1];
  }
  const unclosed = fence !== undefined;
  if (unclosed && body.join('').trim()) blocks.push(body.join('\n'));
  return { blocks: blocks.filter((code) => code.trim() !== ''), unclosed };
}

function isClosing(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match?.[1] !== undefined && match[1][0] === fence[0] && match[1].length >= fence.length;
}

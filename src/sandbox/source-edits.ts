/**
 * Text edits of the submitted code (the rewrite of prepare-code.ts) and the map back: positions in
 * the rewritten text, as V8 reports them, to the line and column the agent wrote.
 */

/** Where an edit grew the text: what a position past it has to shift back by. */
export interface Insertion {
  /** 0-based line in the submitted code. */
  line: number;
  /** 0-based column in the submitted code where the text is inserted. */
  column: number;
  length: number;
}

/** Replace `code.slice(start, end)` with `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Maps a 1-based position in the rewritten text back to the code as written. */
export function positionMapper(
  insertions: Insertion[],
): (line: number, column: number) => { line: number; column: number } {
  const byLine = new Map<number, Insertion[]>();
  for (const insertion of insertions) {
    const list = byLine.get(insertion.line) ?? [];
    list.push(insertion);
    byLine.set(insertion.line, list);
  }
  return (line, column) => {
    const list = byLine.get(line - 1);
    if (!list) return { line, column };
    let shift = 0;
    const generated = column - 1;
    for (const insertion of list) {
      const at = insertion.column + shift;
      if (generated < at) break;
      if (generated < at + insertion.length) return { line, column: insertion.column + 1 };
      shift += insertion.length;
    }
    return { line, column: generated - shift + 1 };
  };
}

/** Apply the edits (none overlapping) and record where the text grew. */
export function applyEdits(code: string, edits: Edit[]): { text: string; insertions: Insertion[] } {
  // Zero-width insertions first where two edits start at the same place (`return ` before `import(`).
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
  const insertions: Insertion[] = [];
  let text = '';
  let cursor = 0;
  const lineStarts = lineStartsOf(code);
  for (const edit of sorted) {
    text += code.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
    const grown = edit.text.length - (edit.end - edit.start);
    if (grown > 0) {
      const line = lineOf(lineStarts, edit.start);
      insertions.push({ line, column: edit.start - (lineStarts[line] ?? 0), length: grown });
    }
  }
  text += code.slice(cursor);
  return { text, insertions };
}

function lineStartsOf(code: string): number[] {
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

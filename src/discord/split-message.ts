/**
 * Splits text for Discord's 2000-character limit at paragraph or line boundaries, never leaving a
 * code block open across messages (a cut block is closed and reopened with its language).
 */
export const DISCORD_LIMIT = 2000;

const CLOSE = '\n```';

export function splitMessage(text: string, limit = DISCORD_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let lines: string[] = [];
  let size = 0;
  let fence: string | undefined;
  let lastBlank = -1;

  const emit = (count: number) => {
    const taken = lines.slice(0, count);
    const rest = lines.slice(count);
    const fenceAtCut = fenceStateAfter(taken, fenceOfChunkStart);
    chunks.push(taken.join('\n') + (fenceAtCut ? CLOSE : ''));
    lines = fenceAtCut ? [fenceAtCut, ...rest] : rest;
    fenceOfChunkStart = fenceAtCut;
    size = lines.reduce((sum, line) => sum + line.length + 1, 0);
    lastBlank = -1;
  };
  let fenceOfChunkStart: string | undefined;

  for (const line of text.split('\n')) {
    for (const piece of line.length > limit - 40 ? hardWrap(line, limit - 40) : [line]) {
      if (size + piece.length + 1 + (fence ? CLOSE.length : 0) > limit && lines.length > 0) {
        // Prefer the last blank line (a paragraph break) when it keeps at least half of the chunk.
        const cut = lastBlank > lines.length / 2 ? lastBlank : lines.length;
        emit(cut);
      }
      lines.push(piece);
      size += piece.length + 1;
      if (piece.trim() === '' && !fence) lastBlank = lines.length;
      if (piece.trim().startsWith('```')) fence = fence ? undefined : piece.trim();
    }
  }
  if (lines.length > 0) chunks.push(lines.join('\n'));
  return chunks.filter((chunk) => chunk.trim().length > 0);
}

/** Which fence (if any) is open after these lines, given the one open at their start. */
function fenceStateAfter(lines: string[], start: string | undefined): string | undefined {
  let fence = start;
  lines.forEach((line, index) => {
    if (index === 0 && start && line === start) return;
    if (line.trim().startsWith('```')) fence = fence ? undefined : line.trim();
  });
  return fence;
}

/** Break a very long line at spaces where possible. */
function hardWrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut < width / 2) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

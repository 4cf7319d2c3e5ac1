import { describe, expect, it } from 'vitest';
import { DISCORD_LIMIT, splitMessage } from '../../src/discord/split-message.ts';

/** Lines that open or close a code block. */
const fenceLines = (chunk: string) => chunk.split('\n').filter((line) => line.trim().startsWith('```'));

/**
 * Undo what the splitter adds at a cut: a closing fence at a chunk's end that the next chunk reopens.
 * (The test texts never close a block exactly at a cut and reopen the same language right after.)
 */
function rejoin(chunks: string[]): string {
  const parts = chunks.map((chunk) => chunk.split('\n'));
  let open: string | undefined;
  for (const [index, lines] of parts.entries()) {
    const next = parts[index + 1];
    let fence = open;
    for (const line of lines.slice(0, -1))
      if (line.trim().startsWith('```')) fence = fence ? undefined : line.trim();
    if (fence && lines.at(-1) === '```' && next?.[0] === fence) {
      lines.pop();
      next.shift();
      open = fence;
    } else {
      open = undefined;
    }
  }
  return parts.map((lines) => lines.join('\n')).join('\n');
}

function expectWellFormed(chunks: string[], limit = DISCORD_LIMIT): void {
  for (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(limit);
    expect(fenceLines(chunk).length % 2, `unbalanced fences in:\n${chunk.slice(0, 200)}…`).toBe(0);
  }
}

const paragraph = (n: number, words = 60) =>
  Array.from({ length: words }, (_, i) => `word${n}-${i}`).join(' ');

describe('splitMessage', () => {
  it('keeps a short text whole', () => {
    expect(splitMessage('hello\n\nworld')).toEqual(['hello\n\nworld']);
    const exact = 'x'.repeat(DISCORD_LIMIT);
    expect(splitMessage(exact)).toEqual([exact]);
  });

  it('cuts at paragraph breaks rather than inside a paragraph', () => {
    const paragraphs = Array.from({ length: 8 }, (_, i) => paragraph(i));
    const text = paragraphs.join('\n\n');
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(1);
    expectWellFormed(chunks);
    for (const chunk of chunks) {
      // every chunk is made of whole paragraphs
      for (const piece of chunk.split('\n\n').filter(Boolean)) expect(paragraphs).toContain(piece.trim());
    }
    expect(rejoin(chunks).replace(/\n+/g, '\n')).toBe(text.replace(/\n+/g, '\n'));
  });

  it('cuts at line boundaries when there is no blank line', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}: ${'abc '.repeat(5)}`);
    const chunks = splitMessage(lines.join('\n'));
    expectWellFormed(chunks);
    for (const chunk of chunks) for (const line of chunk.split('\n')) expect(lines).toContain(line);
    expect(rejoin(chunks)).toBe(lines.join('\n'));
  });

  it('never leaves a code block open: a cut block is closed and reopened with its language', () => {
    const code = Array.from({ length: 150 }, (_, i) => `const value${i} = compute(${i}); // step ${i}`);
    const text = `Here is the script:\n\n\`\`\`ts\n${code.join('\n')}\n\`\`\`\n\nRun it with node.`;
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(1);
    expectWellFormed(chunks);
    for (const chunk of chunks.slice(1, -1)) expect(chunk.startsWith('```ts\n')).toBe(true);
    expect(chunks[0]?.endsWith('\n```')).toBe(true);
    expect(chunks.at(-1)).toContain('Run it with node.');
    expect(rejoin(chunks)).toBe(text);
  });

  it('handles several blocks and prose mixed, at a small limit too', () => {
    const parts: string[] = [];
    for (let i = 0; i < 12; i++) {
      parts.push(paragraph(i, 25));
      parts.push(
        `\`\`\`${i % 2 ? 'py' : ''}\n${Array.from({ length: 20 }, (_, j) => `x${j} = ${i * j}`).join('\n')}\n\`\`\``,
      );
    }
    const text = parts.join('\n\n');
    for (const limit of [DISCORD_LIMIT, 500]) {
      const chunks = splitMessage(text, limit);
      expectWellFormed(chunks, limit);
      expect(rejoin(chunks)).toBe(text);
    }
  });

  it('wraps a single line longer than the limit at spaces, or hard when there are none', () => {
    const spaced = paragraph(1, 700);
    const chunks = splitMessage(spaced);
    expect(chunks.length).toBeGreaterThan(1);
    expectWellFormed(chunks);
    expect(chunks.join(' ')).toBe(spaced);

    const solid = 'y'.repeat(5000);
    const hard = splitMessage(solid);
    expectWellFormed(hard);
    expect(hard.join('')).toBe(solid);
  });

  it('wraps a long line inside a code block without breaking the block', () => {
    const text = `\`\`\`json\n${JSON.stringify({ data: 'z'.repeat(4500) })}\n\`\`\``;
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(2);
    expectWellFormed(chunks);
    for (const chunk of chunks) expect(chunk.startsWith('```json')).toBe(true);
  });
});

/**
 * Line-based reads of workspace files, streamed: `readLines({ from, count })` reads only as far as
 * it needs, never the whole file. Where each call stopped is remembered (per file, while its size and
 * modification time stay the same), so reading a big file in consecutive parts scans it once in
 * total rather than once per part.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ToolError } from '../tool-error.ts';
import { callLimit } from './workspace-read.ts';

export interface LinesRead {
  /** 1-based number of the first line returned. */
  from: number;
  /** The lines, without their line ends (`\n` or `\r\n`). */
  lines: string[];
  /** The line to ask for next, or null at the end of the file. */
  nextFrom: number | null;
  /** True when fewer than `count` lines came back because of the size of one read. */
  truncated: boolean;
}

interface Checkpoints {
  key: string;
  /** Line number (1-based) -> byte offset where it starts. */
  points: Map<number, number>;
}

export interface LineReader {
  read(file: string, relative: string, from: number, count: number): Promise<LinesRead>;
}

const MAX_FILES = 64;
const MAX_POINTS = 256;

/**
 * A line reader whose reads return at most `page` bytes of lines each, except that a first line may
 * be up to `max` bytes (a longer line is refused, naming where it starts).
 */
export function createLineReader(limits: { max: number; page: number }): LineReader {
  const { max, page } = limits;
  const cache = new Map<string, Checkpoints>();

  const checkpointsOf = (file: string, key: string): Checkpoints => {
    let entry = cache.get(file);
    if (entry?.key !== key) entry = { key, points: new Map([[1, 0]]) };
    cache.delete(file);
    cache.set(file, entry);
    while (cache.size > MAX_FILES) cache.delete(cache.keys().next().value ?? '');
    return entry;
  };

  return {
    async read(file, relative, from, count) {
      const info = await stat(file);
      if (!info.isFile()) throw new ToolError(`"${relative}" is not a file`);
      const checkpoints = checkpointsOf(file, `${info.ino}:${info.size}:${info.mtimeMs}`);
      let line = 1;
      let offset = 0;
      for (const [at, position] of checkpoints.points) {
        if (at <= from && at > line) {
          line = at;
          offset = position;
        }
      }
      // The lines returned are one stretch of the file, [first, end): kept as raw chunks, decoded once.
      const kept: Buffer[] = [];
      let first = -1;
      let end = -1;
      let taken = 0;
      let bytes = 0;
      let truncated = false;
      let done = false;
      let lineStart = offset;
      const tooLong = (): ToolError =>
        new ToolError(
          `line ${line} of "${relative}" is longer than the ${callLimit(max)}; read it with ` +
            `readText({ path, offset: ${lineStart}, length })`,
        );
      /** The line being scanned ends just before `nextStart` (after its '\n', or at the end of the file). */
      const endLine = (length: number, nextStart: number): void => {
        if (line >= from) {
          if (length > max) throw tooLong();
          if (taken > 0 && bytes + length > page) {
            truncated = true;
            done = true;
            return;
          }
          bytes += length;
          taken++;
          end = nextStart;
          if (taken >= count) done = true;
        }
        line++;
        lineStart = nextStart;
      };

      let position = offset;
      const stream = createReadStream(file, { start: offset, highWaterMark: 256 * 1024 });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          let at = 0;
          if (first >= 0) kept.push(chunk);
          while (!done) {
            if (line >= from && first < 0) {
              first = lineStart;
              kept.push(chunk.subarray(lineStart - position));
            }
            const newline = chunk.indexOf(10, at);
            if (newline === -1) {
              if (line >= from && position + chunk.length - lineStart > max) throw tooLong();
              break;
            }
            endLine(position + newline - lineStart, position + newline + 1);
            at = newline + 1;
          }
          position += chunk.length;
          if (done) break;
        }
      } finally {
        stream.destroy();
      }
      // A last line without '\n' is still a line.
      if (!done && line >= from && lineStart < info.size) endLine(info.size - lineStart, info.size);

      const lines: string[] = [];
      if (taken > 0) {
        const data = Buffer.concat(kept).subarray(0, end - first);
        const nul = data.indexOf(0);
        if (nul !== -1) {
          const at = from + countNewlines(data.subarray(0, nul));
          throw new ToolError(
            `"${relative}" is binary (a NUL byte in line ${at}), not text; read it with readBase64`,
          );
        }
        const text = data.toString('utf8');
        for (const piece of (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')) {
          lines.push(piece.endsWith('\r') ? piece.slice(0, -1) : piece);
        }
      }
      const nextFrom = done && lineStart < info.size ? line : null;
      if (nextFrom !== null && checkpoints.points.size < MAX_POINTS)
        checkpoints.points.set(nextFrom, lineStart);
      return { from, lines, nextFrom, truncated };
    },
  };
}

/** Lines in a file: its '\n's, plus a last line without one. Streamed. */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] ?? 10;
  }
  return last === 10 ? lines : lines + 1;
}

function countNewlines(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) count++;
  return count;
}

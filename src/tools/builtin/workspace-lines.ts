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
      const scan: LineScan = { ...limits, relative, from, count, line, lineStart: offset, ...emptyTake() };
      await scanFrom(scan, file, offset);
      // A last line without '\n' is still a line.
      if (!scan.done && scan.line >= from && scan.lineStart < info.size)
        endLine(scan, info.size - scan.lineStart, info.size);
      const lines = scan.taken > 0 ? decodeLines(scan) : [];
      const nextFrom = scan.done && scan.lineStart < info.size ? scan.line : null;
      if (nextFrom !== null && checkpoints.points.size < MAX_POINTS)
        checkpoints.points.set(nextFrom, scan.lineStart);
      return { from, lines, nextFrom, truncated: scan.truncated };
    },
  };
}

/** One read in progress: where the scan is, and the stretch of the file [first, end) its lines cover. */
interface LineScan {
  readonly max: number;
  readonly page: number;
  readonly relative: string;
  readonly from: number;
  readonly count: number;
  /** The line being scanned (1-based) and the byte it starts at. */
  line: number;
  lineStart: number;
  /** The lines returned, kept as raw chunks and decoded once. */
  kept: Buffer[];
  first: number;
  end: number;
  taken: number;
  bytes: number;
  truncated: boolean;
  done: boolean;
}

const emptyTake = () => ({ kept: [], first: -1, end: -1, taken: 0, bytes: 0, truncated: false, done: false });

function tooLong(scan: LineScan): ToolError {
  return new ToolError(
    `line ${scan.line} of "${scan.relative}" is longer than the ${callLimit(scan.max)}; read it with ` +
      `readText({ path, offset: ${scan.lineStart}, length })`,
  );
}

/** The line being scanned ends just before `nextStart` (after its '\n', or at the end of the file). */
function endLine(scan: LineScan, length: number, nextStart: number): void {
  if (scan.line >= scan.from) {
    if (length > scan.max) throw tooLong(scan);
    if (scan.taken > 0 && scan.bytes + length > scan.page) {
      scan.truncated = true;
      scan.done = true;
      return;
    }
    scan.bytes += length;
    scan.taken++;
    scan.end = nextStart;
    if (scan.taken >= scan.count) scan.done = true;
  }
  scan.line++;
  scan.lineStart = nextStart;
}

/** Stream the file from `offset` until the scan is done or the file ends. */
async function scanFrom(scan: LineScan, file: string, offset: number): Promise<void> {
  let position = offset;
  const stream = createReadStream(file, { start: offset, highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let at = 0;
      if (scan.first >= 0) scan.kept.push(chunk);
      while (!scan.done) {
        if (scan.line >= scan.from && scan.first < 0) {
          scan.first = scan.lineStart;
          scan.kept.push(chunk.subarray(scan.lineStart - position));
        }
        const newline = chunk.indexOf(10, at);
        if (newline === -1) {
          if (scan.line >= scan.from && position + chunk.length - scan.lineStart > scan.max)
            throw tooLong(scan);
          break;
        }
        endLine(scan, position + newline - scan.lineStart, position + newline + 1);
        at = newline + 1;
      }
      position += chunk.length;
      if (scan.done) break;
    }
  } finally {
    stream.destroy();
  }
}

/** The kept bytes as lines without their line ends; a NUL byte means the file is binary. */
function decodeLines(scan: LineScan): string[] {
  const data = Buffer.concat(scan.kept).subarray(0, scan.end - scan.first);
  const nul = data.indexOf(0);
  if (nul !== -1) {
    const at = scan.from + countNewlines(data.subarray(0, nul));
    throw new ToolError(
      `"${scan.relative}" is binary (a NUL byte in line ${at}), not text; read it with readBase64`,
    );
  }
  const text = data.toString('utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text)
    .split('\n')
    .map((piece) => (piece.endsWith('\r') ? piece.slice(0, -1) : piece));
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

/**
 * Reads of workspace files by range, so a file bigger than one call's payload limit is processed in
 * parts without ever being loaded whole.
 *
 * Text ranges are in bytes, and a UTF-8 character belongs to the range that holds its first byte:
 * a range starting inside a character skips the rest of it, a range ending inside one finishes it (up
 * to 3 bytes past `length`). So ranges at fixed offsets (0, n, 2n, ...) or chained through
 * `nextOffset` cover the file exactly once, never splitting a character. Text that is binary (a NUL byte) or mostly not UTF-8 is
 * refused with a sentence saying so, instead of being returned as garbage.
 */
import { open } from 'node:fs/promises';
import { formatBytes } from '../../text/format-numbers.ts';
import { ToolError } from '../tool-error.ts';

/** One ranged read: `offset` is where it really started, `nextOffset` where to go on (null at the end). */
export interface RangeRead {
  data: Buffer;
  offset: number;
  nextOffset: number | null;
  size: number;
}

export interface RangeRequest {
  offset?: number | undefined;
  length?: number | undefined;
}

/** Invalid UTF-8 tolerated (replaced by U+FFFD) before text is called "not UTF-8": 1 byte in 100. */
const INVALID_RATIO = 0.01;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** The payload limit of one call, as the message that names it. */
export function callLimit(max: number): string {
  return `${formatBytes(max)} (${max} bytes) limit of one read (WORKSPACE_MAX_FILE_BYTES)`;
}

/** Bytes a ranged read returns when it names no length: at most 2 MiB, so the result fits a tool call. */
export const PAGE_BYTES = 2 * 1024 * 1024;

export interface ReadLimits {
  /** Most bytes one read returns (WORKSPACE_MAX_FILE_BYTES). */
  max: number;
  /** Length of a ranged read that names none. */
  page: number;
  /** Move both ends to UTF-8 character starts (text reads). */
  snap: boolean;
}

/**
 * Bytes `[offset, offset + length)` of `file`, snapped to UTF-8 character starts when `snap` is set.
 * A read with no range gets the whole file, and is refused with a hint when the file is over `max`.
 */
export async function readRange(
  file: string,
  relative: string,
  range: RangeRequest,
  limits: ReadLimits,
): Promise<RangeRead> {
  const { max, snap } = limits;
  const ranged = range.offset !== undefined || range.length !== undefined;
  const length = range.length ?? (ranged ? limits.page : max);
  if (length > max) {
    throw new ToolError(`length ${length} is over the ${callLimit(max)}; read "${relative}" in parts`);
  }
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ToolError(`"${relative}" is not a file`);
    const size = info.size;
    if (!ranged && size > max) {
      throw new ToolError(
        `"${relative}" is ${formatBytes(size)} (${size} bytes), over the ${callLimit(max)}; read it in parts ` +
          'with readText({ path, offset, length }) or readLines({ path, from, count })',
      );
    }
    const offset = range.offset ?? 0;
    if (offset > size) {
      throw new ToolError(`offset ${offset} is past the end of "${relative}" (${size} bytes)`);
    }
    // Up to 3 bytes past the end: the rest of a character whose first byte is inside the range.
    const to = Math.min(size, offset + length + (snap ? 3 : 0));
    const buffer = Buffer.alloc(to - offset);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const window = buffer.subarray(0, filled);
    const start = snap ? snapForward(window, 0) : 0;
    const end = snap ? snapForward(window, Math.min(length, window.length)) : Math.min(length, window.length);
    const next = offset + end;
    return {
      data: window.subarray(start, end),
      offset: offset + start,
      nextOffset: next >= size ? null : next,
      size,
    };
  } finally {
    await handle.close();
  }
}

/** Decode bytes read as text, or refuse them as binary (a NUL byte) or not UTF-8 (too many invalid bytes). */
export function decodeText(
  data: Buffer,
  relative: string,
  at: number,
): { text: string; invalidBytes: number } {
  const nul = data.indexOf(0);
  if (nul !== -1) {
    throw new ToolError(
      `"${relative}" is binary (a NUL byte at byte ${at + nul}), not text; read it with ` +
        'readBase64({ path, offset, length }) and decode it in code',
    );
  }
  try {
    return { text: fatalUtf8.decode(data), invalidBytes: 0 };
  } catch {
    const text = lossyUtf8.decode(data);
    const invalidBytes = countReplacements(text);
    if (invalidBytes > Math.max(1, data.length * INVALID_RATIO)) {
      throw new ToolError(
        `"${relative}" is not UTF-8 text (${invalidBytes} invalid sequences in ${data.length} bytes from byte ${at}): ` +
          "binary, or text in another encoding; read it with readBase64 and decode it (e.g. new TextDecoder('latin1'))",
      );
    }
    return { text, invalidBytes };
  }
}

/** True when the first bytes of a file look binary (a NUL, or mostly invalid UTF-8). */
export function looksBinary(head: Buffer): boolean {
  if (head.indexOf(0) !== -1) return true;
  // A character cut by the end of the sample is not a fault of the file.
  let last = head.length - 1;
  while (last > 0 && last > head.length - 4 && isContinuation(head[last] ?? 0)) last--;
  const cut = last >= 0 && last + sequenceLength(head[last] ?? 0) > head.length;
  const sample = cut ? head.subarray(0, last) : head;
  try {
    fatalUtf8.decode(sample);
    return false;
  } catch {
    return countReplacements(lossyUtf8.decode(sample)) > Math.max(1, sample.length * INVALID_RATIO);
  }
}

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
  return count;
}

const isContinuation = (byte: number): boolean => (byte & 0xc0) === 0x80;

function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** `index` moved forward past the continuation bytes of a character that started before it. */
export function snapForward(bytes: Uint8Array, index: number): number {
  let at = index;
  while (at < bytes.length && at < index + 3 && isContinuation(bytes[at] ?? 0)) at++;
  return at;
}

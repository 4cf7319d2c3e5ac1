/**
 * The read tools of the workspace server: `readText` and `readBase64` by byte range, `readLines` by
 * line number (streamed). Each returns at most one call's payload, so big files are read in parts.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatBytes } from '../../text/format-numbers.ts';
import { ok } from './tool-result.ts';
import { rethrow } from './workspace-fs-error.ts';
import { createLineReader } from './workspace-lines.ts';
import { resolveInside } from './workspace-paths.ts';
import { decodeText, readRange } from './workspace-read.ts';

/** The extra data of a tool call (the hub puts the workspace folder in `_meta`). */
export type Extra = { _meta?: Record<string, unknown> };

export const PathInput = {
  path: z.string().min(1).describe('Path relative to the workspace, e.g. "data/input.csv"'),
};

const Offset = z.number().int().min(0).optional();
const Length = z.number().int().min(1).optional();
const DEFAULT_LINES = 1000;
const MAX_LINES = 100_000;

export interface ReadToolsOptions {
  /** The workspace folder of a call (a real path). */
  rootOf: (extra: Extra) => Promise<string>;
  /** Most bytes one read returns. */
  max: number;
  /** Bytes a ranged read returns when it names no length. */
  page: number;
}

/** Register `readText`, `readLines` and `readBase64` on `server`. */
export function registerReadTools(server: McpServer, options: ReadToolsOptions): void {
  registerReadText(server, options);
  registerReadLines(server, options);
  registerReadBase64(server, options);
}

function registerReadText(server: McpServer, { rootOf, max, page }: ReadToolsOptions): void {
  server.registerTool(
    'readText',
    {
      description:
        'Read a workspace file as UTF-8 text, whole or by byte range. Offsets are bytes; a range never splits ' +
        'a character (a character belongs to the range holding its first byte), so reading on from ' +
        '`nextOffset`, or at fixed offsets, covers the file exactly once. With no range it reads the whole ' +
        `file, up to ${formatBytes(max)}; read a bigger one by range or with readLines. A binary file is ` +
        'refused (use readBase64).',
      inputSchema: {
        ...PathInput,
        offset: Offset.describe('First byte to read (default 0)'),
        length: Length.describe(`Bytes to read (default ${page}, most ${max})`),
      },
      outputSchema: {
        path: z.string(),
        text: z.string(),
        offset: z.number().describe('Byte where the text starts'),
        bytes: z.number().describe('Bytes of the file the text covers'),
        nextOffset: z.number().nullable().describe('Byte to read on from; null at the end of the file'),
        size: z.number().describe('Size of the whole file in bytes'),
        invalidBytes: z.number().describe('Invalid UTF-8 sequences replaced by U+FFFD (few are tolerated)'),
      },
    },
    async (input, extra) =>
      ok(async () => {
        const file = await resolveInside(await rootOf(extra), input.path);
        const read = await readRange(file, input.path, input, { max, page, snap: true }).catch(
          rethrow(input.path),
        );
        const { text, invalidBytes } = decodeText(read.data, input.path, read.offset);
        const { data, ...where } = read;
        return { path: input.path, text, ...where, bytes: data.length, invalidBytes };
      }, summary),
  );
}

function registerReadLines(server: McpServer, { rootOf, max, page }: ReadToolsOptions): void {
  const lineReader = createLineReader({ max, page });
  server.registerTool(
    'readLines',
    {
      description:
        'Read lines of a workspace text file, streamed (a big file is never loaded whole): `count` lines ' +
        'from line `from` (1-based), without their line ends. Read on from `nextFrom` until it is null; ' +
        `going on where the last call stopped is fast. One call returns about ${formatBytes(page)} at most.`,
      inputSchema: {
        ...PathInput,
        from: z.number().int().min(1).optional().describe('First line, 1-based (default 1)'),
        count: z
          .number()
          .int()
          .min(1)
          .max(MAX_LINES)
          .optional()
          .describe(`Lines to read (default ${DEFAULT_LINES}, most ${MAX_LINES})`),
      },
      outputSchema: {
        path: z.string(),
        from: z.number(),
        lines: z.array(z.string()),
        nextFrom: z.number().nullable().describe('Line to read on from; null at the end of the file'),
        truncated: z.boolean().describe('Fewer than `count` lines because of the size limit of one read'),
      },
    },
    async (input, extra) =>
      ok(async () => {
        const file = await resolveInside(await rootOf(extra), input.path);
        const read = await lineReader
          .read(file, input.path, input.from ?? 1, input.count ?? DEFAULT_LINES)
          .catch(rethrow(input.path));
        return { path: input.path, ...read };
      }, linesSummary),
  );
}

function registerReadBase64(server: McpServer, { rootOf, max, page }: ReadToolsOptions): void {
  server.registerTool(
    'readBase64',
    {
      description:
        'Read a workspace file (or a byte range of it) as base64, for binary files (xlsx, zip, images): ' +
        'decode it in code rather than printing it, e.g. Uint8Array.from(atob(r.base64), (c) => c.charCodeAt(0)). ' +
        `One read returns at most ${formatBytes(max)} of the file; read a bigger one by range.`,
      inputSchema: {
        ...PathInput,
        offset: Offset.describe('First byte to read (default 0)'),
        length: Length.describe(`Bytes to read (default ${page}, most ${max})`),
      },
      outputSchema: {
        path: z.string(),
        base64: z.string(),
        offset: z.number(),
        bytes: z.number().describe('Bytes of the file read'),
        nextOffset: z.number().nullable().describe('Byte to read on from; null at the end of the file'),
        size: z.number().describe('Size of the whole file in bytes'),
      },
    },
    async (input, extra) =>
      ok(async () => {
        const file = await resolveInside(await rootOf(extra), input.path);
        const { data, ...where } = await readRange(file, input.path, input, { max, page, snap: false }).catch(
          rethrow(input.path),
        );
        return { path: input.path, base64: data.toString('base64'), ...where, bytes: data.length };
      }, summary),
  );
}

/** The text part of a file read: where it was, not the (possibly large) content a second time. */
function summary(value: { path: string; bytes: number; offset: number; size: number }): string {
  return `read "${value.path}" (bytes ${value.offset}-${value.offset + value.bytes} of ${value.size}); the content is in the structured result`;
}

function linesSummary(value: { path: string; from: number; lines: string[] }): string {
  return `read ${value.lines.length} lines of "${value.path}" from line ${value.from}; the lines are in the structured result`;
}

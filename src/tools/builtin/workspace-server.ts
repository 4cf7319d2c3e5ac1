/**
 * The built-in `workspace` MCP server: the task session's own folder of files, where Discord attachments
 * land and from which files the code writes are posted back. One server serves every session: the hub
 * puts the session's folder in each request's `_meta` (sandboxed code cannot set it), and every path
 * is confined to that folder.
 */
import { appendFile, lstat, mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatBytes } from '../../text/format-numbers.ts';
import { ToolError } from '../tool-error.ts';
import { ok } from './tool-result.ts';
import { fsError } from './workspace-fs-error.ts';
import { countLines } from './workspace-lines.ts';
import { relativeTo, resolveInside, workspaceRoot } from './workspace-paths.ts';
import { createWorkspaceQuota, DEFAULT_WORKSPACE_MAX_BYTES, type WorkspaceQuota } from './workspace-quota.ts';
import { looksBinary, PAGE_BYTES, readRange } from './workspace-read.ts';
import { type Extra, PathInput, type ReadToolsOptions, registerReadTools } from './workspace-read-tools.ts';

/** The `_meta` key carrying the session's workspace folder. */
export const WORKSPACE_META_KEY = 'toolsmith/workspaceDir';

export { DEFAULT_WORKSPACE_MAX_BYTES } from './workspace-quota.ts';

export interface WorkspaceServerOptions {
  /** Most bytes one call reads or writes (WORKSPACE_MAX_FILE_BYTES); files can grow past it by appends. */
  maxFileBytes: number;
  /** Most bytes the files of one workspace may hold (WORKSPACE_MAX_BYTES, default 1 GiB). */
  maxWorkspaceBytes?: number;
  /**
   * The quota to check writes against, when other writers (the chart server) must share it, so their
   * changes to a workspace run one at a time with this server's. Default: one of its own.
   */
  quota?: WorkspaceQuota;
  /** Most entries one `list` returns (default 1000). */
  maxEntries?: number;
}

const Meta = z.object({ [WORKSPACE_META_KEY]: z.string().min(1) });
const Entry = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
});

/** What the workspace tools share: the folder of a call, the limits and the quota. */
interface WorkspaceTools extends ReadToolsOptions {
  maxEntries: number;
  quota: WorkspaceQuota;
}

/** The workspace folder of a call, from the `_meta` the hub set (sandboxed code cannot set it). */
async function rootOf(extra: Extra): Promise<string> {
  const meta = Meta.safeParse(extra._meta ?? {});
  if (!meta.success) throw new ToolError('no workspace is bound to this call');
  return workspaceRoot(meta.data[WORKSPACE_META_KEY]);
}

/** A new workspace server (one per connection). */
export function createWorkspaceServer(options: WorkspaceServerOptions): McpServer {
  const server = new McpServer({ name: 'toolsmith-workspace', version: '0.1.0' });
  const max = options.maxFileBytes;
  const tools: WorkspaceTools = {
    rootOf,
    max,
    page: Math.min(max, PAGE_BYTES),
    maxEntries: options.maxEntries ?? 1000,
    quota:
      options.quota ??
      createWorkspaceQuota({ maxBytes: options.maxWorkspaceBytes ?? DEFAULT_WORKSPACE_MAX_BYTES }),
  };
  registerList(server, tools);
  registerReadTools(server, tools);
  registerWrite(server, tools);
  registerDelete(server, tools);
  registerStat(server, tools);
  return server;
}

function registerList(server: McpServer, { maxEntries }: WorkspaceTools): void {
  server.registerTool(
    'list',
    {
      description: 'List files in the workspace (or in one folder of it).',
      inputSchema: {
        path: z
          .string()
          .optional()
          .describe('Folder relative to the workspace (default: the workspace itself)'),
        recursive: z.boolean().optional().describe('Include files in subfolders (default false)'),
      },
      outputSchema: { entries: z.array(Entry), truncated: z.boolean() },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const dir = await resolveInside(root, input.path ?? '.');
        const entries: z.infer<typeof Entry>[] = [];
        const walk = async (folder: string): Promise<void> => {
          for (const dirent of await readdir(folder, { withFileTypes: true })) {
            if (entries.length >= maxEntries) return;
            const full = path.join(folder, dirent.name);
            const type = dirent.isFile()
              ? 'file'
              : dirent.isDirectory()
                ? 'directory'
                : dirent.isSymbolicLink()
                  ? 'symlink'
                  : 'other';
            const size = type === 'file' ? (await stat(full)).size : 0;
            entries.push({ path: relativeTo(root, full), type, size });
            if (type === 'directory' && input.recursive) await walk(full);
          }
        };
        await walk(dir).catch((error: unknown) => {
          throw fsError(input.path ?? '.', error);
        });
        entries.sort((a, b) => a.path.localeCompare(b.path));
        return { entries, truncated: entries.length >= maxEntries };
      }),
  );
}

function registerWrite(server: McpServer, { max, quota }: WorkspaceTools): void {
  server.registerTool(
    'write',
    {
      description:
        'Write (or append to) a workspace file, creating folders as needed. Files written here can be sent ' +
        `back to the user. One call writes at most ${formatBytes(max)}; append to grow a file past that. ` +
        `The workspace holds at most ${formatBytes(quota.limit)} in all.`,
      inputSchema: {
        ...PathInput,
        content: z.string().describe('The text, or base64 when encoding is "base64"'),
        encoding: z.enum(['utf8', 'base64']).optional().describe('Encoding of content (default "utf8")'),
        append: z.boolean().optional().describe('Append instead of replacing (default false)'),
      },
      outputSchema: { path: z.string(), bytes: z.number().describe('Size of the file after the write') },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const file = await resolveInside(root, input.path);
        const data = Buffer.from(input.content, input.encoding === 'base64' ? 'base64' : 'utf8');
        if (data.length > max) {
          throw new ToolError(
            `the content is ${formatBytes(data.length)} (${data.length} bytes), over the ` +
              `${formatBytes(max)} (${max} bytes) limit of one write (WORKSPACE_MAX_FILE_BYTES); ` +
              'write it in parts with append: true',
          );
        }
        return quota.exclusive(root, async (ledger) => {
          const existing = await stat(file).then(
            (info) => (info.isFile() ? info.size : 0),
            () => 0,
          );
          const after = input.append ? existing + data.length : data.length;
          ledger.check(after - existing, `writing ${data.length} bytes to "${input.path}"`);
          await mkdir(path.dirname(file), { recursive: true });
          await (input.append ? appendFile(file, data) : writeFile(file, data)).catch((error: unknown) => {
            throw fsError(input.path, error);
          });
          ledger.add(after - existing);
          return { path: relativeTo(root, file), bytes: after };
        });
      }),
  );
}

function registerDelete(server: McpServer, { quota }: WorkspaceTools): void {
  server.registerTool(
    'delete',
    {
      description: 'Delete a workspace file (or an empty folder).',
      inputSchema: PathInput,
      outputSchema: { path: z.string(), deleted: z.boolean() },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const file = await resolveInside(root, input.path);
        if (file === root) throw new ToolError('cannot delete the workspace itself');
        return quota.exclusive(root, async (ledger) => {
          const info = await lstat(file).catch((error: unknown) => {
            throw fsError(input.path, error);
          });
          await (info.isDirectory() ? rmdir(file) : rm(file)).catch((error: unknown) => {
            throw fsError(input.path, error);
          });
          if (info.isFile()) ledger.add(-info.size);
          return { path: relativeTo(root, file), deleted: true };
        });
      }),
  );
}

function registerStat(server: McpServer, { max, page }: WorkspaceTools): void {
  server.registerTool(
    'stat',
    {
      description:
        'Size, type and modification time of a workspace file or folder; for a file also whether it looks ' +
        `binary and, when it is at most ${formatBytes(max)}, its number of lines.`,
      inputSchema: PathInput,
      outputSchema: {
        path: z.string(),
        type: Entry.shape.type,
        size: z.number(),
        modifiedAt: z.string(),
        binary: z.boolean().optional().describe('A file whose first bytes are not UTF-8 text'),
        lines: z.number().optional().describe('Lines in the file (files up to the read limit)'),
      },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const file = await resolveInside(root, input.path);
        const info = await stat(file).catch((error: unknown) => {
          throw fsError(input.path, error);
        });
        const type = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
        const base = {
          path: relativeTo(root, file),
          type,
          size: info.size,
          modifiedAt: info.mtime.toISOString(),
        };
        if (type !== 'file') return base;
        const head = await readRange(
          file,
          input.path,
          { offset: 0, length: 8192 },
          { max: 8192, page, snap: false },
        );
        const binary = looksBinary(head.data);
        return {
          ...base,
          binary,
          ...(!binary && info.size <= max ? { lines: await countLines(file) } : {}),
        };
      }),
  );
}

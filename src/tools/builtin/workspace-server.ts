/**
 * The built-in `workspace` MCP server: the task session's own folder of files, where Discord attachments
 * land and from which files the code writes are posted back. One server serves every session: the hub
 * puts the session's folder in each request's `_meta` (sandboxed code cannot set it), and every path
 * is confined to that folder.
 */
import { appendFile, mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describeError } from '../../errors.ts';
import { ToolError } from '../tool-error.ts';
import { ok } from './tool-result.ts';
import { relativeTo, resolveInside, workspaceRoot } from './workspace-paths.ts';

/** The `_meta` key carrying the session's workspace folder. */
export const WORKSPACE_META_KEY = 'toolsmith/workspaceDir';

export interface WorkspaceServerOptions {
  /** Largest file read or written, in bytes. */
  maxFileBytes: number;
  /** Most entries one `list` returns (default 1000). */
  maxEntries?: number;
}

const Meta = z.object({ [WORKSPACE_META_KEY]: z.string().min(1) });
const Entry = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
});
const PathInput = {
  path: z.string().min(1).describe('Path relative to the workspace, e.g. "data/input.csv"'),
};

type Extra = { _meta?: Record<string, unknown> };

/** A new workspace server (one per connection). */
export function createWorkspaceServer(options: WorkspaceServerOptions): McpServer {
  const server = new McpServer({ name: 'toolsmith-workspace', version: '0.1.0' });
  const max = options.maxFileBytes;
  const maxEntries = options.maxEntries ?? 1000;

  const rootOf = async (extra: Extra): Promise<string> => {
    const meta = Meta.safeParse(extra._meta ?? {});
    if (!meta.success) throw new ToolError('no workspace is bound to this call');
    return workspaceRoot(meta.data[WORKSPACE_META_KEY]);
  };
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

  server.registerTool(
    'readText',
    {
      description: 'Read a workspace file as UTF-8 text.',
      inputSchema: PathInput,
      outputSchema: { path: z.string(), text: z.string(), bytes: z.number() },
    },
    async (input, extra) =>
      ok(async () => {
        const bytes = await readLimited(await rootOf(extra), input.path, max);
        return { path: input.path, text: bytes.toString('utf8'), bytes: bytes.length };
      }, summary),
  );

  server.registerTool(
    'readBase64',
    {
      description:
        'Read a workspace file as base64 (for binary files; decode it in code rather than printing it).',
      inputSchema: PathInput,
      outputSchema: { path: z.string(), base64: z.string(), bytes: z.number() },
    },
    async (input, extra) =>
      ok(async () => {
        const bytes = await readLimited(await rootOf(extra), input.path, max);
        return { path: input.path, base64: bytes.toString('base64'), bytes: bytes.length };
      }, summary),
  );

  server.registerTool(
    'write',
    {
      description:
        'Write (or append to) a workspace file, creating folders as needed. Files written here can be sent back to the user.',
      inputSchema: {
        ...PathInput,
        content: z.string().describe('The text, or base64 when encoding is "base64"'),
        encoding: z.enum(['utf8', 'base64']).optional().describe('Encoding of content (default "utf8")'),
        append: z.boolean().optional().describe('Append instead of replacing (default false)'),
      },
      outputSchema: { path: z.string(), bytes: z.number() },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const file = await resolveInside(root, input.path);
        const data = Buffer.from(input.content, input.encoding === 'base64' ? 'base64' : 'utf8');
        const existing = input.append
          ? await stat(file).then(
              (s) => s.size,
              () => 0,
            )
          : 0;
        if (existing + data.length > max) {
          throw new ToolError(
            `"${input.path}" would be ${existing + data.length} bytes, over the ${max}-byte file limit`,
          );
        }
        await mkdir(path.dirname(file), { recursive: true });
        await (input.append ? appendFile(file, data) : writeFile(file, data)).catch((error: unknown) => {
          throw fsError(input.path, error);
        });
        return { path: relativeTo(root, file), bytes: existing + data.length };
      }),
  );

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
        const info = await stat(file).catch((error: unknown) => {
          throw fsError(input.path, error);
        });
        await (info.isDirectory() ? rmdir(file) : rm(file)).catch((error: unknown) => {
          throw fsError(input.path, error);
        });
        return { path: relativeTo(root, file), deleted: true };
      }),
  );

  server.registerTool(
    'stat',
    {
      description: 'Size, type and modification time of a workspace file or folder.',
      inputSchema: PathInput,
      outputSchema: { path: z.string(), type: Entry.shape.type, size: z.number(), modifiedAt: z.string() },
    },
    async (input, extra) =>
      ok(async () => {
        const root = await rootOf(extra);
        const file = await resolveInside(root, input.path);
        const info = await stat(file).catch((error: unknown) => {
          throw fsError(input.path, error);
        });
        const type = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
        return { path: relativeTo(root, file), type, size: info.size, modifiedAt: info.mtime.toISOString() };
      }),
  );

  return server;
}

async function readLimited(root: string, relative: string, max: number): Promise<Buffer> {
  const file = await resolveInside(root, relative);
  const info = await stat(file).catch((error: unknown) => {
    throw fsError(relative, error);
  });
  if (!info.isFile()) throw new ToolError(`"${relative}" is not a file`);
  if (info.size > max)
    throw new ToolError(`"${relative}" is ${info.size} bytes, over the ${max}-byte file limit`);
  return readFile(file);
}

function fsError(relative: string, error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return new ToolError(`no such file or folder in the workspace: "${relative}"`);
  if (code === 'ENOTEMPTY') return new ToolError(`folder "${relative}" is not empty; delete its files first`);
  if (code === 'EISDIR') return new ToolError(`"${relative}" is a folder`);
  return new ToolError(`"${relative}": ${describeError(error)}`);
}

/** The text part of a file read: its size, not the (possibly large) content a second time. */
function summary(value: { path: string; bytes: number }): string {
  return `read "${value.path}" (${value.bytes} bytes); the content is in the structured result`;
}

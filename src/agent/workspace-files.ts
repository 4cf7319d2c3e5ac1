/** The files of a session's workspace folder, for the prompt and for "files written by this task". */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface WorkspaceFile {
  /** Path relative to the workspace, with forward slashes. */
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** List regular files under `dir` (not following symlinks), at most `limit` of them. */
export async function listWorkspaceFiles(dir: string, limit = 500): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= limit) return;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        const info = await stat(path.join(dir, child));
        files.push({ path: child, bytes: info.size, mtimeMs: info.mtimeMs });
      }
    }
  };
  await walk('');
  return files;
}

/** Files that are new or changed in `after` compared with `before`. */
export function changedFiles(before: WorkspaceFile[], after: WorkspaceFile[]): string[] {
  const seen = new Map(before.map((file) => [file.path, file]));
  return after
    .filter((file) => {
      const old = seen.get(file.path);
      return !old || old.mtimeMs !== file.mtimeMs || old.bytes !== file.bytes;
    })
    .map((file) => file.path);
}

/**
 * Confinement of workspace paths: a path from the agent's code is relative, has no `..`, and after
 * following symlinks (of the target, or of its nearest existing ancestor for a new file) stays inside
 * the workspace's real path.
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../tool-error.ts';

/** The workspace folder, created when missing, as a real path. */
export async function workspaceRoot(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return realpath(dir);
}

/**
 * The absolute path of `relative` inside `root` (a real path). Throws a ToolError naming the path
 * when it is absolute, climbs with `..`, or leads outside through a symlink.
 */
export async function resolveInside(root: string, relative: string): Promise<string> {
  if (relative.includes('\0')) throw outside(relative, 'contains a NUL character');
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith('\\')) {
    throw outside(relative, 'is absolute');
  }
  if (relative.split(/[\\/]+/).includes('..')) throw outside(relative, 'climbs out with ".."');
  const target = path.resolve(root, relative);
  if (!isInside(root, target)) throw outside(relative, 'is outside the workspace');

  // Follow symlinks as the OS would: the target itself if it exists, else its nearest existing ancestor.
  let existing = target;
  while (!(await exists(existing))) existing = path.dirname(existing);
  const real = await realpath(existing).catch(() => {
    throw outside(relative, 'is a symlink to nothing');
  });
  if (!isInside(root, real)) throw outside(relative, 'leads outside the workspace through a symlink');
  return target;
}

/** The path of `absolute` relative to `root`, with forward slashes ('.' for the root). */
export function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

function outside(relative: string, why: string): ToolError {
  return new ToolError(
    `path "${relative}" ${why}; use a path inside the workspace such as "notes/today.txt"`,
  );
}

/**
 * Files arriving in a workspace from outside the agent's code (Discord attachments, `toolsmith run
 * --file`): checked before a byte is copied, against the file limit of the way they came and the
 * workspace quota (WORKSPACE_MAX_BYTES), so a 200 MB file over a limit is refused at once with the
 * limit named, not copied and then refused. Every refusal is a sentence for the user; nothing throws.
 */
import { copyFile, mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_SNIFF_BYTES, type ImageMediaType, sniffImageType } from '../../model/image-media-type.ts';
import { formatBytes } from '../../text/format-numbers.ts';
import { bytesUnder } from './workspace-quota.ts';

/** What became of an incoming file; `image` is set when its bytes are a PNG, JPEG, GIF or WebP. */
export type IncomingOutcome =
  | { ok: true; name: string; bytes: number; image?: ImageMediaType }
  | { ok: false; name: string; reason: string };

export interface IncomingLimits {
  /** The quota of the whole workspace (WORKSPACE_MAX_BYTES). */
  maxWorkspaceBytes: number;
  /** Most bytes one file may have when it comes this way (e.g. MAX_ATTACHMENT_BYTES); none by default. */
  maxFileBytes?: number;
  /** The setting that holds `maxFileBytes`, named in the refusal. */
  maxFileKey?: string;
}

const PROGRAMS = new Set([
  '.exe',
  '.dll',
  '.so',
  '.dylib',
  '.msi',
  '.apk',
  '.dmg',
  '.iso',
  '.bat',
  '.cmd',
  '.com',
  '.scr',
]);

/** A file name safe to create in a workspace: no folders, no leading dots, no odd characters. */
export function safeFileName(name: string): string {
  const base = path
    .basename(name)
    .replace(/[^\w.\- ]+/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return base.slice(0, 120) || 'file';
}

/** Why a file is refused on its name and declared size alone (a program, over the file limit), or undefined. */
export function checkDeclaredFile(
  file: { name: string; size: number },
  limits: Omit<IncomingLimits, 'maxWorkspaceBytes'>,
): string | undefined {
  if (PROGRAMS.has(path.extname(file.name).toLowerCase())) {
    return `${file.name} is a program; only data files (CSV, JSON, text, images, …) can be used`;
  }
  if (limits.maxFileBytes !== undefined && file.size > limits.maxFileBytes) {
    return overFileLimit(file.name, file.size, limits);
  }
  return undefined;
}

/** The refusal of a file over the file limit of the way it came (its size when known). */
export function overFileLimit(
  name: string,
  size: number | undefined,
  limits: Omit<IncomingLimits, 'maxWorkspaceBytes'>,
): string {
  const max = limits.maxFileBytes ?? 0;
  const key = limits.maxFileKey ? `, ${limits.maxFileKey}` : '';
  const is = size === undefined ? 'is' : `is ${formatBytes(size)},`;
  return `${name} ${is} over the ${formatBytes(max)} limit for one file (${max} bytes${key})`;
}

/**
 * Why `file` (its safe name and declared size) may not come into `workspaceDir`, or undefined when it
 * may: `checkDeclaredFile`, then the workspace quota (a file of the same name that it replaces is not
 * counted).
 */
export async function checkIncomingFile(
  file: { name: string; size: number },
  workspaceDir: string,
  limits: IncomingLimits,
): Promise<string | undefined> {
  const declared = checkDeclaredFile(file, limits);
  if (declared) return declared;
  const { name, size } = file;
  const replaced = await stat(path.join(workspaceDir, name)).then(
    (info) => (info.isFile() ? info.size : 0),
    () => 0,
  );
  const used = (await bytesUnder(workspaceDir)) - replaced;
  if (used + size > limits.maxWorkspaceBytes) {
    return (
      `${name} is ${formatBytes(size)}; with the ${formatBytes(used)} already in the task's workspace it would pass ` +
      `the workspace quota of ${formatBytes(limits.maxWorkspaceBytes)} (${limits.maxWorkspaceBytes} bytes, WORKSPACE_MAX_BYTES)`
    );
  }
  return undefined;
}

/**
 * Copy a local file (`toolsmith run --file PATH`) into `workspaceDir` under its safe name, after
 * `checkIncomingFile` on its real size. Never throws.
 */
export async function copyIncomingFile(
  source: string,
  workspaceDir: string,
  limits: IncomingLimits,
): Promise<IncomingOutcome> {
  const name = safeFileName(source);
  try {
    const info = await stat(source).catch(() => undefined);
    if (!info) return { ok: false, name, reason: `${source} does not exist` };
    if (!info.isFile()) return { ok: false, name, reason: `${source} is not a file` };
    const refusal = await checkIncomingFile({ name, size: info.size }, workspaceDir, limits);
    if (refusal) return { ok: false, name, reason: refusal };
    const target = path.join(workspaceDir, name);
    await mkdir(workspaceDir, { recursive: true });
    await copyFile(source, target);
    const image = await sniffFileImage(target);
    return { ok: true, name, bytes: info.size, ...(image ? { image } : {}) };
  } catch (error) {
    await rm(path.join(workspaceDir, name), { force: true }).catch(() => undefined);
    return { ok: false, name, reason: `${source} could not be copied (${describe(error)})` };
  }
}

/** The image format of a file from its first bytes, or undefined (also when it cannot be read). */
export async function sniffFileImage(file: string): Promise<ImageMediaType | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(IMAGE_SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return sniffImageType(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

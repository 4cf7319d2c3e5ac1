/**
 * Discord attachments into a session's workspace: size-checked before and during the download,
 * names made safe, programs refused. Every refusal is a sentence for the user; nothing throws.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../text/format-bytes.ts';

export interface IncomingFile {
  name: string;
  url: string;
  size: number;
}

export type FileOutcome =
  | { ok: true; name: string; bytes: number }
  | { ok: false; name: string; reason: string };

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

export function safeFileName(name: string): string {
  const base = path
    .basename(name)
    .replace(/[^\w.\- ]+/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return base.slice(0, 120) || 'file';
}

export async function saveAttachment(
  file: IncomingFile,
  workspaceDir: string,
  maxBytes: number,
): Promise<FileOutcome> {
  const name = safeFileName(file.name);
  if (PROGRAMS.has(path.extname(name).toLowerCase())) {
    return {
      ok: false,
      name,
      reason: `${name} is a program; only data files (CSV, JSON, text, images, …) can be used`,
    };
  }
  if (file.size > maxBytes) {
    return {
      ok: false,
      name,
      reason: `${name} is ${formatBytes(file.size)}, over the ${formatBytes(maxBytes)} limit`,
    };
  }
  try {
    const response = await fetch(file.url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok || !response.body)
      return { ok: false, name, reason: `${name} could not be downloaded (HTTP ${response.status})` };
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes)
        return { ok: false, name, reason: `${name} is over the ${formatBytes(maxBytes)} limit` };
      chunks.push(Buffer.from(chunk));
    }
    await writeFile(path.join(workspaceDir, name), Buffer.concat(chunks));
    return { ok: true, name, bytes };
  } catch (error) {
    return {
      ok: false,
      name,
      reason: `${name} could not be downloaded (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/**
 * Discord attachments into a session's workspace: refused before the download when their declared
 * size is over MAX_ATTACHMENT_BYTES or the workspace quota (WORKSPACE_MAX_BYTES), counted again while
 * streaming to disk (the declared size is the sender's word), names made safe, programs refused.
 * Images (by their bytes) are marked so the front end can show them to the model. Every refusal is a
 * sentence for the user; nothing throws, and a refused download leaves no file behind.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../text/format-numbers.ts';
import {
  checkDeclaredFile,
  checkIncomingFile,
  type IncomingOutcome,
  overFileLimit,
  safeFileName,
  sniffFileImage,
} from '../tools/builtin/incoming-file.ts';
import { DEFAULT_WORKSPACE_MAX_BYTES } from '../tools/builtin/workspace-quota.ts';

export { safeFileName };

export interface IncomingFile {
  name: string;
  url: string;
  size: number;
}

export type FileOutcome = IncomingOutcome;

export interface SaveAttachmentOptions {
  /** The workspace quota (WORKSPACE_MAX_BYTES, default 1 GiB). */
  maxWorkspaceBytes?: number;
  /** Download time limit in ms (default 30000). */
  timeoutMs?: number;
}

const KEY = 'MAX_ATTACHMENT_BYTES';

/**
 * Why an attachment is refused on its declared name and size alone (a program, over `maxBytes`), or
 * undefined: for refusing at once, when the message arrives, before its turn comes.
 */
export function checkAttachment(file: { name: string; size: number }, maxBytes: number): string | undefined {
  return checkDeclaredFile(
    { name: safeFileName(file.name), size: file.size },
    { maxFileBytes: maxBytes, maxFileKey: KEY },
  );
}

/**
 * Download `file` into `workspaceDir` under its safe name, within `maxBytes` (MAX_ATTACHMENT_BYTES)
 * and the workspace quota. Never throws.
 */
export async function saveAttachment(
  file: IncomingFile,
  workspaceDir: string,
  maxBytes: number,
  options: SaveAttachmentOptions = {},
): Promise<FileOutcome> {
  const name = safeFileName(file.name);
  const limits = {
    maxWorkspaceBytes: options.maxWorkspaceBytes ?? DEFAULT_WORKSPACE_MAX_BYTES,
    maxFileBytes: maxBytes,
    maxFileKey: KEY,
  };
  const refusal = await checkIncomingFile({ name, size: file.size }, workspaceDir, limits);
  if (refusal) return { ok: false, name, reason: refusal };
  // Never more than the declared size (Discord's CDN serves what was uploaded), the limit or the quota.
  const allowed = Math.min(maxBytes, file.size);
  await mkdir(workspaceDir, { recursive: true });
  const partial = path.join(workspaceDir, `.incoming-${randomUUID()}`);
  try {
    const response = await fetch(file.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, name, reason: `${name} could not be downloaded (HTTP ${response.status})` };
    }
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > allowed) done(new TooBig());
        else done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body), count, createWriteStream(partial));
    await rename(partial, path.join(workspaceDir, name));
    const image = await sniffFileImage(path.join(workspaceDir, name));
    return { ok: true, name, bytes, ...(image ? { image } : {}) };
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    if (error instanceof TooBig) {
      return {
        ok: false,
        name,
        reason:
          file.size < maxBytes
            ? `${name} sent more than its declared ${formatBytes(file.size)}; refused`
            : overFileLimit(name, undefined, limits),
      };
    }
    return {
      ok: false,
      name,
      reason: `${name} could not be downloaded (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

class TooBig extends Error {}

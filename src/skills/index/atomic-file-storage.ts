/**
 * vectra's LocalFileStorage writes `index.json` in place (fs.writeFile), so a process killed mid-save
 * leaves a truncated, unloadable index (vectra issue #43). This storage replaces a file atomically:
 * write a temporary file beside it, fsync it, rename it over the old one, fsync the folder. A reader
 * (or a restart after SIGKILL or power loss) sees either the old file or the new one, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { LocalFileStorage } from './vectra-core.ts';

const TEMP_SUFFIX = '.tmp';

/** Replace `file` with `content` atomically (temp file + fsync + rename + fsync of the folder). */
export async function writeFileAtomic(file: string, content: Buffer | string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(path.dirname(file));
}

/**
 * Replace `file` atomically with the concatenation of `parts`, written as they come: a caller that
 * yields between parts keeps a large file (the index at 50k skills is ~38 MB) from blocking the event
 * loop while it is serialised.
 */
export async function writeFileAtomicParts(file: string, parts: AsyncIterable<string>): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  const handle = await open(temp, 'wx');
  try {
    for await (const part of parts) await handle.write(part);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(path.dirname(file));
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable. Not supported on every platform (Windows); best effort there.
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EPERM on platforms that cannot fsync a directory.
  } finally {
    await handle.close();
  }
}

/** Remove temporary files a killed writer left in `folder`. Returns how many were removed. */
export async function removeStaleTempFiles(folder: string, baseName: string): Promise<number> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const stale = entries.filter((entry) => entry.startsWith(`${baseName}.`) && entry.endsWith(TEMP_SUFFIX));
  await Promise.all(stale.map((entry) => rm(path.join(folder, entry), { force: true })));
  return stale.length;
}

/** vectra FileStorage whose writes are atomic replacements. */
export class AtomicFileStorage extends LocalFileStorage {
  override async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    await writeFileAtomic(filePath, content);
  }

  override async createFile(filePath: string, content: Buffer | string): Promise<void> {
    if (await this.pathExists(filePath)) throw new Error(`File already exists: ${filePath}`);
    await writeFileAtomic(filePath, content);
  }
}

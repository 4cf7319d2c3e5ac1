/**
 * Replace a small file whole: write a temporary file beside it, then rename it over the old one, so a
 * reader (another process) sees the old content or the new, never a half-written file. No fsync: for
 * caches and status files that are rebuilt when lost (the skill index, which must survive a power
 * loss, has its own: skills/index/atomic-file-storage.ts).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Replace `file` with `content`; throws what the write or the rename threw (the temporary file is removed). */
export function replaceFileSync(file: string, content: string | NodeJS.ArrayBufferView): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

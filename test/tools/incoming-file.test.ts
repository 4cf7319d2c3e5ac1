/**
 * Local files coming into a workspace (`toolsmith run --file`): a file over the workspace quota is
 * refused at once, before a byte is copied (a 64 GiB sparse file answers in milliseconds), with the
 * limit named; folders and missing files are refused; images are recognised by their bytes.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyIncomingFile } from '../../src/tools/builtin/incoming-file.ts';

const GiB = 1024 * 1024 * 1024;
let base: string;
let sources: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-incoming-'));
  sources = path.join(base, 'sources');
  await mkdir(sources);
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('copyIncomingFile', () => {
  it('copies a file under its safe name and marks images', async () => {
    const dir = path.join(base, 'ok');
    await writeFile(path.join(sources, 'data.csv'), 'a,b\n1,2\n');
    await writeFile(
      path.join(sources, 'chart.webp'),
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .webp()
        .toBuffer(),
    );
    expect(await copyIncomingFile(path.join(sources, 'data.csv'), dir, { maxWorkspaceBytes: GiB })).toEqual({
      ok: true,
      name: 'data.csv',
      bytes: 8,
    });
    expect(
      await copyIncomingFile(path.join(sources, 'chart.webp'), dir, { maxWorkspaceBytes: GiB }),
    ).toMatchObject({
      ok: true,
      image: 'image/webp',
    });
    expect(await readFile(path.join(dir, 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('refuses at once a file over the workspace quota, naming WORKSPACE_MAX_BYTES, copying nothing', async () => {
    const dir = path.join(base, 'huge');
    const huge = path.join(sources, 'huge.csv');
    await writeFile(huge, 'n\n');
    await truncate(huge, 64 * GiB);
    expect(await copyIncomingFile(huge, dir, { maxWorkspaceBytes: GiB })).toEqual({
      ok: false,
      name: 'huge.csv',
      reason:
        "huge.csv is 64.0 GB; with the 0 B already in the task's workspace it would pass the workspace quota of 1.0 GB (1073741824 bytes, WORKSPACE_MAX_BYTES)",
    });
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('names the per-file limit when one is set, and refuses folders and missing files', async () => {
    const dir = path.join(base, 'limits');
    await writeFile(path.join(sources, 'mid.csv'), 'x'.repeat(2000));
    expect(
      await copyIncomingFile(path.join(sources, 'mid.csv'), dir, {
        maxWorkspaceBytes: GiB,
        maxFileBytes: 1000,
        maxFileKey: 'SOME_LIMIT',
      }),
    ).toEqual({
      ok: false,
      name: 'mid.csv',
      reason: 'mid.csv is 2.0 KB, over the 1000 B limit for one file (1000 bytes, SOME_LIMIT)',
    });
    expect(await copyIncomingFile(sources, dir, { maxWorkspaceBytes: GiB })).toEqual({
      ok: false,
      name: 'sources',
      reason: `${sources} is not a file`,
    });
    expect(await copyIncomingFile(path.join(sources, 'nope.csv'), dir, { maxWorkspaceBytes: GiB })).toEqual({
      ok: false,
      name: 'nope.csv',
      reason: `${path.join(sources, 'nope.csv')} does not exist`,
    });
  });
});

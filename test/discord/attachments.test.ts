/**
 * Discord attachments into a workspace, downloaded with the real fetch from a loopback server: refused
 * at once (before any download) over MAX_ATTACHMENT_BYTES or the workspace quota with the limit named,
 * a sender that sends more than declared is cut off with nothing left behind, images are recognised
 * by their bytes.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAttachment, saveAttachment } from '../../src/discord/attachments.ts';

const MiB = 1024 * 1024;
let base: string;
let server: http.Server;
let url: string;
const served = new Map<string, Buffer>();
const requested: string[] = [];

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-attachments-'));
  server = http.createServer((request, response) => {
    requested.push(request.url ?? '');
    const body = served.get(request.url ?? '');
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  served.set('/sales.csv', Buffer.from('region,amount\nnorth,10\n'));
  served.set('/liar.csv', Buffer.alloc(3 * MiB, 0x61));
  served.set(
    '/photo.png',
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#08f' } })
      .png()
      .toBuffer(),
  );
  served.set('/fake.png', Buffer.from('not an image at all'));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(base, { recursive: true, force: true });
});

const workspace = async (name: string) => {
  const dir = path.join(base, name);
  await mkdir(dir, { recursive: true });
  return dir;
};

describe('saveAttachment', () => {
  it('saves a file, and marks an image by its bytes (not its name)', async () => {
    const dir = await workspace('ok');
    const file = (name: string) => ({
      name,
      url: `${url}/${name}`,
      size: served.get(`/${name}`)?.length ?? 0,
    });
    expect(await saveAttachment(file('sales.csv'), dir, MiB)).toEqual({
      ok: true,
      name: 'sales.csv',
      bytes: 23,
    });
    expect(await saveAttachment(file('photo.png'), dir, MiB)).toMatchObject({ ok: true, image: 'image/png' });
    expect(await saveAttachment(file('fake.png'), dir, MiB)).toEqual({
      ok: true,
      name: 'fake.png',
      bytes: 19,
    });
    expect(await readFile(path.join(dir, 'sales.csv'), 'utf8')).toBe('region,amount\nnorth,10\n');
  });

  it('refuses at once, without downloading, a file over MAX_ATTACHMENT_BYTES, naming it', async () => {
    const dir = await workspace('over');
    const before = requested.length;
    const file = { name: 'huge.csv', url: `${url}/liar.csv`, size: 200 * MiB };
    const expected = {
      ok: false,
      name: 'huge.csv',
      reason:
        'huge.csv is 200.0 MB, over the 8.0 MB limit for one file (8388608 bytes, MAX_ATTACHMENT_BYTES)',
    };
    expect(checkAttachment(file, 8 * MiB)).toBe(expected.reason);
    expect(await saveAttachment(file, dir, 8 * MiB)).toEqual(expected);
    expect(requested.length).toBe(before);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses at once a file that would pass the workspace quota, naming WORKSPACE_MAX_BYTES', async () => {
    const dir = await workspace('quota');
    await writeFile(path.join(dir, 'already.bin'), Buffer.alloc(MiB));
    const before = requested.length;
    const outcome = await saveAttachment(
      { name: 'more.csv', url: `${url}/liar.csv`, size: 3 * MiB },
      dir,
      8 * MiB,
      {
        maxWorkspaceBytes: 3 * MiB,
      },
    );
    expect(outcome).toEqual({
      ok: false,
      name: 'more.csv',
      reason:
        "more.csv is 3.0 MB; with the 1.0 MB already in the task's workspace it would pass the workspace quota of 3.0 MB (3145728 bytes, WORKSPACE_MAX_BYTES)",
    });
    expect(requested.length).toBe(before);
  });

  it('cuts off a download that sends more than declared, leaving nothing behind', async () => {
    const dir = await workspace('liar');
    await writeFile(path.join(dir, 'keep.txt'), 'kept');
    const outcome = await saveAttachment(
      { name: 'liar.csv', url: `${url}/liar.csv`, size: 1000 },
      dir,
      8 * MiB,
    );
    expect(outcome).toEqual({
      ok: false,
      name: 'liar.csv',
      reason: 'liar.csv sent more than its declared 1000 B; refused',
    });
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });

  it('refuses programs and makes hostile names safe', async () => {
    const dir = await workspace('names');
    expect(checkAttachment({ name: 'setup.EXE', size: 10 }, MiB)).toMatch(/setup.EXE is a program/);
    const outcome = await saveAttachment(
      { name: '../../.evil name?.csv', url: `${url}/sales.csv`, size: 23 },
      dir,
      MiB,
    );
    expect(outcome).toMatchObject({ ok: true, name: 'evil name_.csv' });
    expect(await readdir(dir)).toEqual(['evil name_.csv']);
    expect(await saveAttachment({ name: 'gone.csv', url: `${url}/missing`, size: 5 }, dir, MiB)).toEqual({
      ok: false,
      name: 'gone.csv',
      reason: 'gone.csv could not be downloaded (HTTP 404)',
    });
  });
});

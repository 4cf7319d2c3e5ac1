/**
 * The built-in workspace server through the hub (in-process MCP, the real path): file operations,
 * confinement to the session's folder (no `..`, no absolute paths, no symlinks out), size limits.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';

let base: string;
let workspaceDir: string;
let outside: string;
let hub: ToolHub;
const MAX = 1000;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-workspace-'));
  workspaceDir = path.join(base, 'session-a');
  outside = path.join(base, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'secret.txt'), 'top secret');
  hub = await createToolHub({ workspace: { maxFileBytes: MAX } });
});
afterAll(async () => {
  await hub.close();
  await rm(base, { recursive: true, force: true });
});

const ws = (tool: string, input: Record<string, unknown>, dir = workspaceDir) =>
  hub.call('workspace', tool, input, { workspaceDir: dir });

describe('workspace files', () => {
  it('writes, reads, lists, stats and deletes', async () => {
    expect(await ws('write', { path: 'notes/today.txt', content: 'hello' })).toEqual({
      path: 'notes/today.txt',
      bytes: 5,
    });
    expect(await ws('write', { path: 'notes/today.txt', content: ' world', append: true })).toEqual({
      path: 'notes/today.txt',
      bytes: 11,
    });
    expect(await ws('readText', { path: 'notes/today.txt' })).toEqual({
      path: 'notes/today.txt',
      text: 'hello world',
      offset: 0,
      bytes: 11,
      nextOffset: null,
      size: 11,
      invalidBytes: 0,
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    await ws('write', { path: 'img.png', content: png.toString('base64'), encoding: 'base64' });
    expect(await readFile(path.join(workspaceDir, 'img.png'))).toEqual(png);
    expect(await ws('readBase64', { path: 'img.png' })).toEqual({
      path: 'img.png',
      base64: png.toString('base64'),
      offset: 0,
      bytes: 8,
      nextOffset: null,
      size: 8,
    });
    expect(await ws('list', {})).toEqual({
      entries: [
        { path: 'img.png', type: 'file', size: 8 },
        { path: 'notes', type: 'directory', size: 0 },
      ],
      truncated: false,
    });
    expect(await ws('list', { recursive: true })).toMatchObject({
      entries: expect.arrayContaining([{ path: 'notes/today.txt', type: 'file', size: 11 }]),
    });
    expect(await ws('stat', { path: 'notes' })).toMatchObject({ path: 'notes', type: 'directory' });
    expect(await ws('stat', { path: 'img.png' })).toMatchObject({
      type: 'file',
      size: 8,
      modifiedAt: expect.stringMatching(/^\d{4}-/),
      binary: true,
    });
    expect(await ws('stat', { path: 'notes/today.txt' })).toMatchObject({ binary: false, lines: 1 });
    await expect(ws('delete', { path: 'notes' })).rejects.toThrow(
      'folder "notes" is not empty; delete its files first',
    );
    expect(await ws('delete', { path: 'notes/today.txt' })).toEqual({
      path: 'notes/today.txt',
      deleted: true,
    });
    expect(await ws('delete', { path: 'notes' })).toEqual({ path: 'notes', deleted: true });
    await expect(ws('readText', { path: 'notes/today.txt' })).rejects.toThrow(
      'no such file or folder in the workspace: "notes/today.txt"',
    );
  });

  it('keeps sessions apart: each call acts on its own folder', async () => {
    const other = path.join(base, 'session-b');
    await ws('write', { path: 'mine.txt', content: 'b' }, other);
    await expect(ws('readText', { path: 'mine.txt' })).rejects.toThrow(/no such file/);
    expect(await ws('readText', { path: 'mine.txt' }, other)).toMatchObject({ text: 'b' });
  });
});

describe('confinement', () => {
  it('refuses paths that climb out or are absolute, and touches nothing', async () => {
    await writeFile(path.join(workspaceDir, 'keep.txt'), 'kept');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'readText',
        { path: '../outside/secret.txt' },
        /path "..\/outside\/secret.txt" climbs out with "\.\."/,
      ],
      ['readText', { path: 'a/../../outside/secret.txt' }, /climbs out/],
      ['readText', { path: path.join(outside, 'secret.txt') }, /is absolute/],
      ['write', { path: '../outside/secret.txt', content: 'pwned' }, /climbs out/],
      ['write', { path: '..\\outside\\secret.txt', content: 'pwned' }, /climbs out/],
      ['delete', { path: '../outside/secret.txt' }, /climbs out/],
      ['delete', { path: '.' }, /cannot delete the workspace itself/],
      ['list', { path: '..' }, /climbs out/],
      ['write', { path: 'nul\0.txt', content: 'x' }, /NUL/],
    ];
    for (const [tool, input, message] of cases) await expect(ws(tool, input)).rejects.toThrow(message);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readFile(path.join(workspaceDir, 'keep.txt'), 'utf8')).toBe('kept');
  });

  it('refuses symlinks that lead out (reading, writing through, dangling)', async () => {
    await symlink(outside, path.join(workspaceDir, 'escape-dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(workspaceDir, 'escape-file'));
    await symlink(path.join(outside, 'not-yet.txt'), path.join(workspaceDir, 'dangling'));
    await expect(ws('readText', { path: 'escape-dir/secret.txt' })).rejects.toThrow(
      /leads outside the workspace through a symlink/,
    );
    await expect(ws('readText', { path: 'escape-file' })).rejects.toThrow(/through a symlink/);
    await expect(ws('write', { path: 'escape-dir/new.txt', content: 'x' })).rejects.toThrow(
      /through a symlink/,
    );
    await expect(ws('write', { path: 'escape-file', content: 'pwned' })).rejects.toThrow(/through a symlink/);
    await expect(ws('write', { path: 'dangling', content: 'pwned' })).rejects.toThrow(/symlink to nothing/);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    await expect(readFile(path.join(outside, 'not-yet.txt'))).rejects.toThrow();
    await expect(readFile(path.join(outside, 'new.txt'))).rejects.toThrow();
    // A symlink that stays inside is followed.
    await symlink(path.join(workspaceDir, 'keep.txt'), path.join(workspaceDir, 'alias.txt'));
    expect(await ws('readText', { path: 'alias.txt' })).toMatchObject({ text: 'kept' });
  });

  it('bounds one call by the file limit, naming it; a file grows past it by appends', async () => {
    await writeFile(path.join(workspaceDir, 'big.txt'), 'x'.repeat(MAX + 1));
    await expect(ws('readText', { path: 'big.txt' })).rejects.toThrow(
      `"big.txt" is 1001 B (1001 bytes), over the 1000 B (1000 bytes) limit of one read (WORKSPACE_MAX_FILE_BYTES); read it in parts`,
    );
    await expect(ws('readBase64', { path: 'big.txt' })).rejects.toThrow(/limit of one read/);
    await expect(ws('readText', { path: 'big.txt', offset: 0, length: MAX + 1 })).rejects.toThrow(
      'length 1001 is over the 1000 B (1000 bytes) limit of one read',
    );
    expect(await ws('readText', { path: 'big.txt', offset: 1 })).toMatchObject({
      offset: 1,
      bytes: MAX,
      nextOffset: null,
    });
    await expect(ws('write', { path: 'huge.txt', content: 'x'.repeat(MAX + 1) })).rejects.toThrow(
      'the content is 1001 B (1001 bytes), over the 1000 B (1000 bytes) limit of one write (WORKSPACE_MAX_FILE_BYTES)',
    );
    await expect(readFile(path.join(workspaceDir, 'huge.txt'))).rejects.toThrow();
    await ws('write', { path: 'grow.txt', content: 'x'.repeat(MAX - 1) });
    expect(await ws('write', { path: 'grow.txt', content: 'yy', append: true })).toEqual({
      path: 'grow.txt',
      bytes: MAX + 1,
    });
    expect((await readFile(path.join(workspaceDir, 'grow.txt'), 'utf8')).length).toBe(MAX + 1);
  });
});

describe('declarations', () => {
  it('tell the model the read ranges, the payload limit and the quota (snapshot)', () => {
    const text = hub.declarations();
    expect(text).toContain('readLines(');
    expect(text).toMatchSnapshot();
  });
});

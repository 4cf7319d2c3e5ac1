/**
 * Big and binary workspace files through the hub (in-process MCP, the real path): ranged reads that
 * cover a 50 MB file exactly as Node reads it whole, streamed line reads, binary detection, and the
 * workspace quota, including the concurrent-append attack.
 */
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';

const MiB = 1024 * 1024;
let base: string;
let hub: ToolHub;
let bigFile: string;
let bigText: string;

/** ~50 MB of CSV-like lines mixing 1- to 4-byte UTF-8 characters and CRLF line ends. */
function makeBigText(): string {
  const words = ['plain', 'café', 'naïve', '中文字符', 'emoji 😀🎉', 'Ωμέγα', 'tab\tsep'];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 50 * MiB; i++) {
    const line = `${i},${words[i % words.length]},${(i * 7919) % 100_003},${'x'.repeat(i % 41)}${i % 5 === 0 ? '\r' : ''}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-bigfiles-'));
  hub = await createToolHub({ workspace: { maxFileBytes: 10 * MiB, maxWorkspaceBytes: 200 * MiB } });
  bigText = makeBigText();
  bigFile = path.join(base, 'big', 'sales.csv');
  await ws('write', { path: 'placeholder.txt', content: '' }, path.join(base, 'big'));
  await writeFile(bigFile, bigText);
}, 60_000);
afterAll(async () => {
  await hub.close();
  await rm(base, { recursive: true, force: true });
});

function ws(tool: string, input: Record<string, unknown>, dir = path.join(base, 'big')) {
  return hub.call('workspace', tool, input, { workspaceDir: dir }) as Promise<Record<string, unknown>>;
}

describe('ranged reads of a 50 MB file', () => {
  it('give the same text as Node reading it whole, following nextOffset', async () => {
    const whole = await readFile(bigFile, 'utf8');
    expect(whole).toBe(bigText);
    const parts: string[] = [];
    let offset: number | null = 0;
    let calls = 0;
    while (offset !== null) {
      const read: Record<string, unknown> = await ws('readText', { path: 'sales.csv', offset });
      expect(read.offset).toBe(offset);
      expect(read.bytes as number).toBeLessThanOrEqual(2 * MiB + 3);
      parts.push(read.text as string);
      offset = read.nextOffset as number | null;
      calls++;
    }
    // A read naming no length returns a page of 2 MiB (plus the rest of a character cut at its end).
    expect(calls).toBe(Math.ceil(Buffer.byteLength(whole) / (2 * MiB)));
    expect(parts.join('')).toBe(whole);
  }, 60_000);

  it('give the same text at fixed offsets of an odd length, never splitting a character', async () => {
    const size = (await stat(bigFile)).size;
    const length = 3 * MiB + 1; // not a multiple of anything a character could align to
    const parts: string[] = [];
    for (let offset = 0; offset < size; offset += length) {
      const read = await ws('readText', { path: 'sales.csv', offset, length });
      expect(read.invalidBytes).toBe(0);
      parts.push(read.text as string);
    }
    expect(parts.join('')).toBe(bigText);
  }, 60_000);

  it('give the same bytes as base64 ranges', async () => {
    const bytes = await readFile(bigFile);
    const parts: Buffer[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const read: Record<string, unknown> = await ws('readBase64', {
        path: 'sales.csv',
        offset,
        length: 2 * MiB + 7,
      });
      parts.push(Buffer.from(read.base64 as string, 'base64'));
      offset = read.nextOffset as number | null;
    }
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  }, 60_000);

  it('reads lines by number, streamed, the same as splitting the whole text', async () => {
    const expected = bigText
      .slice(0, -1)
      .split('\n')
      .map((line) => line.replace(/\r$/, ''));
    const got: string[] = [];
    let from: number | null = 1;
    while (from !== null) {
      const read: Record<string, unknown> = await ws('readLines', {
        path: 'sales.csv',
        from,
        count: 100_000,
      });
      expect(read.from).toBe(from);
      got.push(...(read.lines as string[]));
      from = read.nextFrom as number | null;
    }
    expect(got.length).toBe(expected.length);
    // No line holds a '\n', so equal joins mean equal lines, one by one (toEqual on 1.3 million
    // strings took seconds of CPU by itself).
    expect(got.every((line) => !line.includes('\n'))).toBe(true);
    expect(got.join('\n')).toBe(expected.join('\n'));
    // A line in the middle, asked for directly (no earlier call ended there).
    const middle = Math.floor(expected.length / 2) + 17;
    expect(await ws('readLines', { path: 'sales.csv', from: middle, count: 3 })).toEqual({
      path: 'sales.csv',
      from: middle,
      lines: expected.slice(middle - 1, middle + 2),
      nextFrom: middle + 3,
      truncated: false,
    });
    expect(await ws('readLines', { path: 'sales.csv', from: expected.length + 5 })).toMatchObject({
      lines: [],
      nextFrom: null,
    });
    expect(await ws('stat', { path: 'sales.csv' })).toMatchObject({ binary: false });
  }, 60_000);
});

describe('readLines on a huge file', () => {
  it('reads the first lines of a 64 GiB (sparse) file without reading the rest', async () => {
    const dir = path.join(base, 'sparse');
    await ws('write', { path: 'log.txt', content: 'first\nsecond\r\nthird\n' }, dir);
    await truncate(path.join(dir, 'log.txt'), 64 * 1024 * MiB);
    expect(await ws('readLines', { path: 'log.txt', count: 2 }, dir)).toEqual({
      path: 'log.txt',
      from: 1,
      lines: ['first', 'second'],
      nextFrom: 3,
      truncated: false,
    });
    expect(await ws('readText', { path: 'log.txt', offset: 0, length: 12 }, dir)).toMatchObject({
      text: 'first\nsecond',
      nextOffset: 12,
      size: 64 * 1024 * MiB,
    });
    // Past the text, the sparse file is NUL bytes: binary, said so.
    await expect(ws('readLines', { path: 'log.txt', from: 4, count: 1 }, dir)).rejects.toThrow(
      /is longer than the 10.0 MB \(10485760 bytes\) limit of one read/,
    );
    await expect(ws('readText', { path: 'log.txt', offset: 100, length: 10 }, dir)).rejects.toThrow(
      '"log.txt" is binary (a NUL byte at byte 100), not text; read it with readBase64',
    );
    expect(await ws('stat', { path: 'log.txt' }, dir)).not.toHaveProperty('lines');
  });

  it('stops at the payload limit with truncated, and refuses a line longer than it', async () => {
    const small = await createToolHub({ workspace: { maxFileBytes: 100 } });
    const dir = path.join(base, 'small');
    try {
      const call = (tool: string, input: Record<string, unknown>) =>
        small.call('workspace', tool, input, { workspaceDir: dir }) as Promise<Record<string, unknown>>;
      await call('list', {});
      await writeFile(path.join(dir, 'a.txt'), `${'a'.repeat(40)}\n${'b'.repeat(40)}\n${'c'.repeat(40)}\n`);
      expect(await call('readLines', { path: 'a.txt', count: 3 })).toMatchObject({
        lines: ['a'.repeat(40), 'b'.repeat(40)],
        nextFrom: 3,
        truncated: true,
      });
      await writeFile(path.join(dir, 'long.txt'), `short\n${'z'.repeat(101)}`);
      await expect(call('readLines', { path: 'long.txt', from: 2 })).rejects.toThrow(
        'line 2 of "long.txt" is longer than the 100 B (100 bytes) limit of one read (WORKSPACE_MAX_FILE_BYTES); read it with readText({ path, offset: 6, length })',
      );
    } finally {
      await small.close();
    }
  });
});

describe('binary and non-UTF-8 files', () => {
  const dir = () => path.join(base, 'binary');

  it('refuses binary files as text and names readBase64', async () => {
    // The first bytes of a real .xlsx (a zip): a local file header, with NUL bytes.
    const zip = Buffer.from('504b0304140006000800000021006', 'hex');
    await ws('write', { path: 'book.xlsx', content: zip.toString('base64'), encoding: 'base64' }, dir());
    await expect(ws('readText', { path: 'book.xlsx' }, dir())).rejects.toThrow(
      '"book.xlsx" is binary (a NUL byte at byte 5), not text; read it with readBase64',
    );
    expect(await ws('stat', { path: 'book.xlsx' }, dir())).toMatchObject({ binary: true });
    expect(await ws('readBase64', { path: 'book.xlsx', offset: 2, length: 2 }, dir())).toMatchObject({
      base64: Buffer.from([3, 4]).toString('base64'),
      offset: 2,
      bytes: 2,
      nextOffset: 4,
    });
  });

  it('refuses text in another encoding, and tolerates a stray bad byte', async () => {
    const latin1 = Buffer.from('Prénom;Ville\nRenée;Zürich\nFrançois;Besançon\n', 'latin1');
    await ws('write', { path: 'latin1.csv', content: latin1.toString('base64'), encoding: 'base64' }, dir());
    await expect(ws('readText', { path: 'latin1.csv' }, dir())).rejects.toThrow(
      /"latin1.csv" is not UTF-8 text \(5 invalid sequences in 44 bytes from byte 0\).*TextDecoder\('latin1'\)/,
    );
    const stray = Buffer.concat([
      Buffer.from('ok line\n'.repeat(40)),
      Buffer.from([0xff]),
      Buffer.from('\nend\n'),
    ]);
    await ws('write', { path: 'stray.log', content: stray.toString('base64'), encoding: 'base64' }, dir());
    expect(await ws('readText', { path: 'stray.log' }, dir())).toMatchObject({
      text: `${'ok line\n'.repeat(40)}\uFFFD\nend\n`,
      invalidBytes: 1,
    });
  });

  it('snaps every range to whole characters, so any tiling gives back the text', async () => {
    const text = 'aé中😀b\n'.repeat(3);
    await ws('write', { path: 'utf8.txt', content: text }, dir());
    const size = Buffer.byteLength(text);
    for (const length of [1, 2, 3, 4, 5, 7]) {
      const parts: string[] = [];
      for (let offset = 0; offset < size; offset += length) {
        parts.push((await ws('readText', { path: 'utf8.txt', offset, length }, dir())).text as string);
      }
      expect(parts.join(''), `length ${length}`).toBe(text);
      let chained = '';
      for (let at: number | null = 0; at !== null; ) {
        const read: Record<string, unknown> = await ws(
          'readText',
          { path: 'utf8.txt', offset: at, length },
          dir(),
        );
        chained += read.text as string;
        at = read.nextOffset as number | null;
      }
      expect(chained, `chained, length ${length}`).toBe(text);
    }
    await expect(ws('readText', { path: 'utf8.txt', offset: size + 1 }, dir())).rejects.toThrow(
      `offset ${size + 1} is past the end of "utf8.txt" (${size} bytes)`,
    );
  });
});

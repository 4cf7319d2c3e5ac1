/**
 * The workspace quota (WORKSPACE_MAX_BYTES) through the hub: enforced on writes and appends, named in
 * the refusal, freed by deletes, and not raced by concurrent appends (the attack: 64 appends of 1 MiB
 * at once used to leave a 64 MiB file past a 10 MiB limit).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceQuota } from '../../src/tools/builtin/workspace-quota.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';

const MiB = 1024 * 1024;
let base: string;
let hub: ToolHub;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-quota-'));
  hub = await createToolHub({ workspace: { maxFileBytes: MiB, maxWorkspaceBytes: 10 * MiB } });
});
afterAll(async () => {
  await hub.close();
  await rm(base, { recursive: true, force: true });
});

const ws = (dir: string, tool: string, input: Record<string, unknown>) =>
  hub.call('workspace', tool, input, { workspaceDir: path.join(base, dir) });

describe('workspace quota', () => {
  it('holds against 64 concurrent 1 MiB appends: at most the quota is written, the rest refused by name', async () => {
    const chunk = Buffer.alloc(MiB, 0x61).toString('base64');
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, () =>
        ws('attack', 'write', { path: 'big.bin', content: chunk, encoding: 'base64', append: true }),
      ),
    );
    const written = results.filter((result) => result.status === 'fulfilled');
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    );
    expect(written).toHaveLength(10);
    expect(refused).toHaveLength(54);
    for (const reason of refused) {
      expect(reason).toContain(
        'writing 1048576 bytes to "big.bin" would bring the workspace to 11.0 MB, over its quota of 10.0 MB (10485760 bytes, WORKSPACE_MAX_BYTES)',
      );
    }
    expect((await stat(path.join(base, 'attack', 'big.bin'))).size).toBe(10 * MiB);
  });

  it('counts every file of the workspace, keeps a refused file intact, and frees space on delete', async () => {
    await ws('files', 'list', {});
    for (const name of ['a', 'b', 'c']) {
      await writeFile(path.join(base, 'files', `${name}.txt`), 'x'.repeat(3 * MiB + 1));
    }
    await expect(ws('files', 'write', { path: 'd.txt', content: 'y'.repeat(MiB) })).rejects.toThrow(
      /would bring the workspace to 10.0 MB, over its quota of 10.0 MB \(10485760 bytes, WORKSPACE_MAX_BYTES\); delete files you no longer need/,
    );
    await expect(readFile(path.join(base, 'files', 'd.txt'))).rejects.toThrow();
    // Replacing a file counts the difference, not the new size on top of the old.
    expect(await ws('files', 'write', { path: 'a.txt', content: 'z'.repeat(MiB) })).toEqual({
      path: 'a.txt',
      bytes: MiB,
    });
    await expect(ws('files', 'write', { path: 'b.txt', content: 'q', append: true })).resolves.toBeDefined();
    await expect(
      ws('files', 'write', { path: 'c.txt', content: 'w'.repeat(MiB), append: true }),
    ).resolves.toBeDefined();
    // 8 MiB + 3 bytes in use now; up to the quota exactly is allowed.
    await ws('files', 'write', { path: 'e.txt', content: 'e'.repeat(MiB) });
    await ws('files', 'write', { path: 'f.txt', content: 'f'.repeat(MiB - 3) });
    await expect(ws('files', 'write', { path: 'g.txt', content: 'gg' })).rejects.toThrow(/over its quota/);
    expect((await readFile(path.join(base, 'files', 'c.txt'), 'utf8')).length).toBe(4 * MiB + 1);
    await ws('files', 'delete', { path: 'c.txt' });
    expect(await ws('files', 'write', { path: 'g.txt', content: 'gg' })).toEqual({ path: 'g.txt', bytes: 2 });
  });

  it('counts files that arrived from elsewhere (attachments) before the first write', async () => {
    const dir = path.join(base, 'arrived');
    await ws('arrived', 'list', {});
    await writeFile(path.join(dir, 'upload.csv'), Buffer.alloc(10 * MiB - 10));
    await expect(ws('arrived', 'write', { path: 'out.txt', content: 'x'.repeat(11) })).rejects.toThrow(
      /over its quota of 10.0 MB/,
    );
    expect(await ws('arrived', 'write', { path: 'out.txt', content: 'x'.repeat(10) })).toEqual({
      path: 'out.txt',
      bytes: 10,
    });
  });

  it('keeps workspaces apart: one full workspace does not stop another', async () => {
    expect(await ws('other', 'write', { path: 'fine.txt', content: 'ok' })).toEqual({
      path: 'fine.txt',
      bytes: 2,
    });
  });

  it('holds across servers that share one quota (two hubs appending to one workspace at once)', async () => {
    const quota = createWorkspaceQuota({ maxBytes: 10 * MiB });
    const hubs = [
      await createToolHub({ workspace: { maxFileBytes: MiB, quota } }),
      await createToolHub({ workspace: { maxFileBytes: MiB, quota } }),
    ];
    try {
      const chunk = Buffer.alloc(MiB, 0x62).toString('base64');
      const results = await Promise.allSettled(
        Array.from({ length: 32 }, (_, i) =>
          hubs[i % 2]?.call(
            'workspace',
            'write',
            { path: `part-${i}.bin`, content: chunk, encoding: 'base64' },
            { workspaceDir: path.join(base, 'shared') },
          ),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    } finally {
      for (const one of hubs) await one.close();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonCodec, LocalFileStorage, LocalIndex } from '../../src/skills/index/vectra-core.ts';

const VECTRA_CORE = path.resolve(import.meta.dirname, '../../src/skills/index/vectra-core.ts');

describe('vectra-core', () => {
  it('loads the very classes vectra exports, without its document pipeline', async () => {
    const vectra = await import('vectra');
    expect(LocalIndex).toBe(vectra.LocalIndex);
    expect(LocalFileStorage).toBe(vectra.LocalFileStorage);
    expect(JsonCodec).toBe(vectra.JsonCodec);
  });

  it('loads neither wink nor uuid until a BM25 query or an item without an id needs them', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { LocalIndex } = await import(${JSON.stringify(VECTRA_CORE)});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache)
        .filter((file) => /node_modules\\/(wink-|uuid\\/)/.test(file)).length;
      console.log(typeof LocalIndex, loaded());`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('function 0');
  });

  it('still gives an id to an item without one, and a BM25 query reaches the real wink', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-vectra-'));
    try {
      const index = new LocalIndex(dir);
      await index.createIndex({ version: 1, deleteIfExists: true });
      const texts = [
        'sum a column of a csv file',
        'draw a bar chart of sales',
        'resize an image',
        'fetch a web page',
        'parse an excel sheet',
        'count words in a text',
      ];
      for (const [i, text] of texts.entries())
        await index.insertItem({ vector: [1, i, 0], metadata: { text } });
      const items = await index.listItems();
      expect(items.map((item) => item.id)).toEqual(items.map(() => expect.stringMatching(/^[0-9a-f-]{36}$/)));
      // vectra's BM25 search reads document chunks (LocalDocumentIndex's items), so over plain items
      // wink refuses to rank: its own error says the real wink (and its English model, which the
      // NLP set-up before it takes) was loaded in place of the stand-ins.
      await expect(index.queryItems([1, 0, 0], 'bar chart sales', 1, undefined, true)).rejects.toThrow(
        'winkBM25S: document collection is too small',
      );
      expect((await index.queryItems([1, 0, 0], 'bar chart sales', 1)).length).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

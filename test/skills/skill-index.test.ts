import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalIndex } from 'vectra';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors.ts';
import { openSkillIndex } from '../../src/skills/index/open-skill-index.ts';
import { INDEX_FILE, type SkillIndexEntry } from '../../src/skills/index/skill-index.ts';
import { SkillIndexCodec } from '../../src/skills/index/skill-index-codec.ts';
import { decodeVector, encodeVector } from '../../src/skills/index/vector-encoding.ts';
import type { EmbedderInfo } from '../../src/skills/types.ts';

const LOCAL: EmbedderInfo = { provider: 'local', model: 'toolsmith-hash-v1', dimensions: 4 };
const dirs: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-index-'));
  dirs.push(dir);
  return path.join(dir, 'skills-index');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const entry = (id: string, vector: number[], scope = 'g1'): SkillIndexEntry => ({
  id,
  vector,
  metadata: { scope, textHash: `h${id}` },
});

describe('skill index', () => {
  it('starts missing, saves, filters by scope and reloads from disk (also with a bare vectra LocalIndex)', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    expect(index.status).toBe('missing');
    await index.upsert([
      entry('1', [1, 0, 0, 0]),
      entry('2', [0.9, 0.1, 0, 0], 'g2'),
      entry('3', [0, 1, 0, 0], 'global'),
    ]);
    const hits = await index.query([1, 0, 0, 0], ['g1', 'global'], 3);
    expect(hits.map((hit) => hit.id)).toEqual(['1', '3']);
    expect(hits[0]?.similarity).toBeCloseTo(1);
    await index.close();

    const reopened = await openSkillIndex({ folder, embedder: LOCAL });
    expect(reopened.status).toBe('loaded');
    expect([...(await reopened.entries()).keys()].sort()).toEqual(['1', '2', '3']);
    const bare = new LocalIndex(folder, INDEX_FILE, undefined, new SkillIndexCodec(LOCAL));
    const items = await bare.listItems();
    expect(items.map((item) => item.id).sort()).toEqual(['1', '2', '3']);
    expect(items.find((item) => item.id === '2')?.vector).toEqual([
      0.8999999761581421, 0.10000000149011612, 0, 0,
    ]);
  });

  it('replaces and deletes items', async () => {
    const index = await openSkillIndex({ folder: tempFolder(), embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0]), entry('2', [0, 1, 0, 0])]);
    await index.upsert([entry('1', [0, 0, 1, 0])]);
    await index.delete(['2']);
    const hits = await index.query([0, 0, 1, 0], ['g1'], 5);
    expect(hits.map((hit) => [hit.id, Math.round(hit.similarity)])).toEqual([['1', 1]]);
  });

  it('gathers 50 concurrent saves into a few journal appends, loses none, and folds them in at close', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await Promise.all(Array.from({ length: 50 }, (_, i) => index.upsert([entry(String(i), [1, i, 0, 0])])));
    expect(index.fileWrites).toBeLessThan(50);
    await index.close();
    const reopened = await openSkillIndex({ folder, embedder: LOCAL });
    expect((await reopened.entries()).size).toBe(50);
    expect(readdirSync(folder)).toEqual([INDEX_FILE]);
  });

  it('treats a corrupt file as empty, keeps the bad file aside, and says why', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0]), entry('2', [0, 1, 0, 0])]);
    const file = path.join(folder, INDEX_FILE);
    const good = readFileSync(file, 'utf8');
    const truncated = good.slice(0, Math.floor(good.length / 2));
    writeFileSync(file, truncated);

    const reopened = await openSkillIndex({ folder, embedder: LOCAL });
    expect(reopened.status).toBe('corrupt');
    expect(reopened.problem).toMatch(/not valid JSON/);
    expect(await reopened.size()).toBe(0);
    const aside = readdirSync(folder).find((name) => name.startsWith(`${INDEX_FILE}.corrupt-`));
    expect(aside && readFileSync(path.join(folder, aside), 'utf8')).toBe(truncated);
  });

  it('rejects items of the wrong dimensions in a hand-edited file as corrupt', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    await index.close();
    const file = path.join(folder, INDEX_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace(encodeVector([1, 0, 0, 0]), encodeVector([1, 0])));
    const reopened = await openSkillIndex({ folder, embedder: LOCAL });
    expect(reopened.status).toBe('corrupt');
    expect(reopened.problem).toMatch(/item 0 is malformed or has the wrong number of dimensions/);
  });

  it('refuses an index built by another embedder, naming both and the fix, and leaves it untouched', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    const before = readFileSync(path.join(folder, INDEX_FILE), 'utf8');
    const voyage: EmbedderInfo = { provider: 'voyage', model: 'voyage-code-3', dimensions: 1024 };
    const error = await openSkillIndex({ folder, embedder: voyage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(String(error)).toMatch(
      /built with local\/toolsmith-hash-v1 \(4 dimensions\), but the configured embedder is voyage\/voyage-code-3 \(1024 dimensions\).*toolsmith skills reindex/,
    );
    await expect(openSkillIndex({ folder, embedder: { ...LOCAL, dimensions: 8 } })).rejects.toThrow(
      /reindex/,
    );
    expect(readFileSync(path.join(folder, INDEX_FILE), 'utf8')).toBe(before);

    const forced = await openSkillIndex({ folder, embedder: voyage, ignoreMismatch: true });
    await forced.replaceAll([entry('1', new Array(1024).fill(0.5))], voyage);
    const again = await openSkillIndex({ folder, embedder: voyage });
    expect(again.embedder).toEqual(voyage);
    expect(await again.size()).toBe(1);
  });

  it('rejects a vector of the wrong size or with NaN, keeping what was there', async () => {
    const index = await openSkillIndex({ folder: tempFolder(), embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    await expect(index.upsert([entry('2', [1, 0])])).rejects.toThrow(
      /2 numbers does not fit the index \(4 dimensions\)/,
    );
    await expect(index.upsert([entry('3', [Number.NaN, 0, 0, 0])])).rejects.toThrow(/non-finite/);
    expect([...(await index.entries()).keys()]).toEqual(['1']);
  });

  it('fails a save it cannot write with a clear error, and the committed items stay', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'a file where the folder was');
    await expect(index.upsert([entry('2', [0, 1, 0, 0])])).rejects.toThrow(
      /cannot save the skill index .*previous index is intact/,
    );
    expect([...(await index.entries()).keys()]).toEqual(['1']);
  });

  it('removes temporary files a killed writer left behind', async () => {
    const folder = tempFolder();
    await openSkillIndex({ folder, embedder: LOCAL });
    writeFileSync(path.join(folder, `${INDEX_FILE}.123.abcd.tmp`), '{"half":');
    await openSkillIndex({ folder, embedder: LOCAL });
    expect(existsSync(path.join(folder, `${INDEX_FILE}.123.abcd.tmp`))).toBe(false);
  });

  it('learns the dimensions of a remote embedder from the first vectors', async () => {
    const folder = tempFolder();
    const remote: EmbedderInfo = { provider: 'openai', model: 'nomic-embed-text', dimensions: undefined };
    const index = await openSkillIndex({ folder, embedder: remote });
    await index.upsert([entry('1', [1, 2, 3])]);
    expect(index.embedder.dimensions).toBe(3);
    const reopened = await openSkillIndex({ folder, embedder: remote });
    expect(reopened.embedder.dimensions).toBe(3);
    await expect(reopened.upsert([entry('2', [1, 2])])).rejects.toThrow(/3 dimensions/);
  });
});

describe('the journal', () => {
  it('a save appends to the journal instead of rewriting the file; reopening replays it; a torn last line is dropped', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    await index.close();
    const file = path.join(folder, INDEX_FILE);
    const before = readFileSync(file, 'utf8');
    const again = await openSkillIndex({ folder, embedder: LOCAL });
    await again.upsert([entry('2', [0, 1, 0, 0])]);
    await again.delete(['1']);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const journal = path.join(folder, 'index.journal');
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(2);
    // A kill in the middle of the next append leaves a torn line: never acknowledged, dropped.
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"op":"upsert","id":"3","no`);
    const replayed = await openSkillIndex({ folder, embedder: LOCAL });
    expect(replayed.status).toBe('loaded');
    expect([...(await replayed.entries()).keys()]).toEqual(['2']);
    expect((await replayed.query([0, 1, 0, 0], ['g1'], 3)).map((hit) => hit.id)).toEqual(['2']);
  });

  it('a journal damaged in the middle makes the index corrupt (rebuilt from the store), kept aside', async () => {
    const folder = tempFolder();
    const index = await openSkillIndex({ folder, embedder: LOCAL });
    await index.upsert([entry('1', [1, 0, 0, 0])]);
    await index.upsert([entry('2', [0, 1, 0, 0])]);
    const journal = path.join(folder, 'index.journal');
    writeFileSync(journal, readFileSync(journal, 'utf8').replace('"op":"upsert"', '"op":"frob"'));
    const reopened = await openSkillIndex({ folder, embedder: LOCAL });
    expect(reopened.status).toBe('corrupt');
    expect(reopened.problem).toMatch(/journal line 1 is malformed/);
    expect(readdirSync(folder).some((name) => name.startsWith('index.journal.corrupt-'))).toBe(true);
  });
});

describe('vector encoding', () => {
  it('round-trips sparse and dense vectors at float32 precision', () => {
    const sparse = Array.from({ length: 512 }, (_, i) => (i % 50 === 3 ? i / 1000 : 0));
    const dense = Array.from({ length: 64 }, (_, i) => Math.sin(i) - 0.25);
    expect(encodeVector(sparse)).toMatch(/^s32:512:/);
    expect(encodeVector(dense)).toMatch(/^f32:/);
    expect(decodeVector(encodeVector(sparse))).toEqual(sparse.map(Math.fround));
    expect(decodeVector(encodeVector(dense))).toEqual(dense.map(Math.fround));
    expect(decodeVector(encodeVector([0, 0, 0]))).toEqual([0, 0, 0]);
  });

  it('rejects text that is not an encoding', () => {
    for (const bad of ['', '[1,2]', 'f32:abc', 's32:4:AAA=:', 's32:2:CgA=:AACAPw==', 'x32:AAAA']) {
      expect(decodeVector(bad)).toBeUndefined();
    }
  });
});

/**
 * Runtime files are made ready once per machine (kept beside Node's compile cache, by a hash of the
 * file's name and text): a second process reads the entry instead of stripping the types again; a
 * damaged entry or one of another text is not used.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRuntimeModule } from '../../src/sandbox/runtime-module.ts';
import { cachedRuntimeModule } from '../../src/sandbox/runtime-module-cache.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-runtime-cache-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const TEXT = 'export function twice(n: number): number {\n  return n * 2;\n}\n';

describe('the runtime module cache', () => {
  it('keeps what it made, reads it back, and makes it again when the entry is damaged or the text changed', async () => {
    let made = 0;
    const make = (text: string) => () => {
      made++;
      return toRuntimeModule(text, 'twice.ts');
    };
    const first = cachedRuntimeModule('twice.ts', TEXT, make(TEXT), dir);
    expect(first.exports).toEqual(['twice']);
    expect(made).toBe(1);
    expect(cachedRuntimeModule('twice.ts', TEXT, make(TEXT), dir)).toEqual(first);
    expect(made).toBe(1);

    const folder = path.join(dir, 'toolsmith-runtime-modules');
    const [entry = ''] = await readdir(folder);
    expect(JSON.parse(await readFile(path.join(folder, entry), 'utf8'))).toEqual(first);
    await writeFile(path.join(folder, entry), '{"source": 42}');
    expect(cachedRuntimeModule('twice.ts', TEXT, make(TEXT), dir)).toEqual(first);
    expect(made).toBe(2);

    const changed = TEXT.replace('n * 2', 'n + n');
    expect(cachedRuntimeModule('twice.ts', changed, make(changed), dir).source).toContain('n + n');
    expect(made).toBe(3);
    expect(await readdir(folder)).toHaveLength(2);
  });
});

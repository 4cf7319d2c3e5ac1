import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceFileSync } from '../../src/store/replace-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-replace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replaceFileSync', () => {
  it('replaces a file whole and leaves nothing beside it', () => {
    const file = path.join(dir, 'status.json');
    writeFileSync(file, 'old');
    replaceFileSync(file, '{"new":true}');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}');
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it('throws when it cannot replace, keeping the old file and removing its temporary one', () => {
    const target = path.join(dir, 'a-folder');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'kept');
    expect(() => replaceFileSync(target, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError, UsageError } from '../../src/errors.ts';
import { openStore } from '../../src/store/open-store.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('creates the database in the data folder with WAL, busy_timeout and foreign keys', () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    using store = openStore({ dataDir });
    expect(store.path).toBe(path.join(dataDir, 'toolsmith.db'));
    expect(store.db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    expect(store.db.prepare('PRAGMA foreign_keys').get()?.foreign_keys).toBe(1);
    expect(store.db.prepare('PRAGMA busy_timeout').get()?.timeout).toBe(5000);
  });

  it('applies each domain its own numbered migrations once, and more later', () => {
    const dir = tempDir();
    {
      using store = openStore({ dataDir: dir });
      expect(store.migrate('notes', ['CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)'])).toBe(1);
      expect(store.migrate('tags', ['CREATE TABLE tags (name TEXT PRIMARY KEY)'])).toBe(1);
      store.db.prepare('INSERT INTO notes (body) VALUES (?)').run('kept');
    }
    using store = openStore({ dataDir: dir });
    expect(store.version('notes')).toBe(1);
    // Re-running the same list is a no-op; appending runs only the new one.
    store.migrate('notes', [
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)',
      'ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0',
    ]);
    expect(store.version('notes')).toBe(2);
    expect(store.db.prepare('SELECT body, pinned FROM notes').get()).toEqual({ body: 'kept', pinned: 0 });
    expect(store.version('tags')).toBe(1);
  });

  it('rolls a failing migration back and keeps the previous version', () => {
    using store = openStore({ path: ':memory:' });
    store.migrate('notes', ['CREATE TABLE notes (id INTEGER PRIMARY KEY)']);
    const bad = [
      'CREATE TABLE notes (id INTEGER PRIMARY KEY)',
      'CREATE TABLE extra (x); SELECT * FROM nowhere',
    ];
    expect(() => store.migrate('notes', bad)).toThrow(/notes migration 2 failed: .*nowhere/);
    expect(store.version('notes')).toBe(1);
    expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined();
  });

  it('refuses a database newer than the migrations it knows', () => {
    using store = openStore({ path: ':memory:' });
    store.migrate('notes', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)']);
    expect(() => store.migrate('notes', ['CREATE TABLE a (x)'])).toThrow(StorageError);
    expect(() => store.migrate('notes', ['CREATE TABLE a (x)'])).toThrow(/newer than this Toolsmith knows/);
  });

  it('rejects a bad domain name', () => {
    using store = openStore({ path: ':memory:' });
    expect(() => store.migrate('Bad Domain', [])).toThrow(UsageError);
  });

  it('nests transactions and rolls back only the failing part', () => {
    using store = openStore({ path: ':memory:' });
    store.migrate('t', ['CREATE TABLE t (x INTEGER)']);
    const insert = store.db.prepare('INSERT INTO t (x) VALUES (?)');
    store.transaction(() => {
      insert.run(1);
      expect(() =>
        store.transaction(() => {
          insert.run(2);
          throw new Error('inner fails');
        }),
      ).toThrow('inner fails');
      insert.run(3);
    });
    expect(() =>
      store.transaction(() => {
        insert.run(4);
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(
      store.db
        .prepare('SELECT x FROM t ORDER BY x')
        .all()
        .map((row) => row.x),
    ).toEqual([1, 3]);
  });

  it('says clearly when the file is not a database, and leaves it untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, 'toolsmith.db');
    const text = 'this is not sqlite, just text that happens to be here '.repeat(100);
    writeFileSync(file, text);
    expect(() => {
      const store = openStore({ dataDir: dir });
      store.close();
    }).toThrow(/cannot open the database .*toolsmith\.db/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('is unusable after close', () => {
    const store = openStore({ path: ':memory:' });
    store.close();
    expect(store.closed).toBe(true);
    expect(() => store.migrate('x', [])).toThrow(/closed/);
    store.close();
  });
});

import { describe, expect, it } from 'vitest';
import { StorageError, UsageError } from '../../src/errors.ts';
import { openStore } from '../../src/store/open-store.ts';
import { SKILLS_MIGRATIONS } from '../../src/store/skill-records.ts';
import { createSkillsRepo, type NewSkill } from '../../src/store/skills-repo.ts';

const skill = (overrides: Partial<NewSkill> = {}): NewSkill => ({
  scope: 'guild-1',
  name: 'sum-column',
  description: 'Sum a numeric column of rows.',
  signature: 'sumColumn(rows: object[], key: string): number',
  code: 'function sumColumn(rows, key) { return rows.reduce((t, r) => t + Number(r[key]), 0); }',
  tools: [],
  hash: 'h1',
  author: 'ana',
  task: 'total the amounts',
  checkResult: 'passed',
  note: 'learned',
  source: 'learned',
  state: 'proposed',
  ...overrides,
});

function setup() {
  const store = openStore({ path: ':memory:' });
  let tick = 0;
  const repo = createSkillsRepo(store, { now: () => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++)) });
  return { store, repo };
}

describe('skills repo', () => {
  it('inserts a skill with its version 1, and reads it back by id, name and hash', () => {
    const { store, repo } = setup();
    using _ = store;
    const inserted = repo.insert(skill({ example: 'sumColumn([{a: 1}], "a")', tools: ['web.fetch'] }));
    expect(inserted).toMatchObject({
      name: 'sum-column',
      state: 'proposed',
      version: 1,
      author: 'ana',
      versionAuthor: 'ana',
      tools: ['web.fetch'],
      example: 'sumColumn([{a: 1}], "a")',
      createdAt: '2025-01-01T00:00:00.000Z',
      used: 0,
      votes: 0,
    });
    expect(repo.getById(inserted.id)).toEqual(inserted);
    expect(repo.getByName('guild-1', 'sum-column')).toEqual(inserted);
    expect(repo.getByName('guild-2', 'sum-column')).toBeUndefined();
    expect(repo.findByHash(['guild-2', 'guild-1'], 'h1')).toEqual([inserted]);
    expect(repo.versions(inserted.id)).toMatchObject([
      { version: 1, state: 'proposed', author: 'ana', task: 'total the amounts', checkResult: 'passed' },
    ]);
  });

  it('keeps names unique per scope, not across scopes', () => {
    const { store, repo } = setup();
    using _ = store;
    repo.insert(skill());
    repo.insert(skill({ scope: 'global' }));
    expect(() => repo.insert(skill())).toThrow(UsageError);
    expect(() => repo.insert(skill())).toThrow(/already exists in scope guild-1/);
    expect(repo.count()).toBe(2);
    expect(repo.list().map((s) => s.scope)).toEqual(['global', 'guild-1']);
  });

  it('never edits in place: a proposed version waits, an approved one is put in use', () => {
    const { store, repo } = setup();
    using _ = store;
    const first = repo.insert(skill({ state: 'approved' }));
    const content = { ...skill(), code: 'function sumColumn() { return 0; }', hash: 'h2' };
    const proposal = repo.addVersion(
      first.id,
      content,
      { author: 'bo', task: 't2', checkResult: 'passed', note: 'learned' },
      'proposed',
    );
    expect(proposal).toMatchObject({ version: 2, state: 'proposed', author: 'bo' });
    expect(repo.getById(first.id)).toMatchObject({ version: 1, hash: 'h1', versionAuthor: 'ana' });
    expect(repo.proposedVersions(['guild-1']).map((v) => v.version)).toEqual([2]);
    expect(repo.proposedVersions(['guild-2'])).toEqual([]);

    const approved = repo.approveVersion(first.id, 2, 'rita');
    expect(approved).toMatchObject({
      version: 2,
      hash: 'h2',
      versionAuthor: 'bo',
      author: 'ana',
      reviewedBy: 'rita',
    });
    expect(repo.proposedVersions()).toEqual([]);
    expect(repo.versions(first.id).map((v) => [v.version, v.state, v.code.length > 0])).toEqual([
      [1, 'approved', true],
      [2, 'approved', true],
    ]);
  });

  it('counts, and one vote per member per answer per skill (a second one replaces the first)', () => {
    const { store, repo } = setup();
    using _ = store;
    const s = repo.insert(skill());
    repo.addCounters(s.id, { used: 2, succeeded: 1, failed: 1, retrieved: 3 });
    expect(repo.getById(s.id)).toMatchObject({ used: 2, succeeded: 1, failed: 1, retrieved: 3 });
    expect(() => repo.addCounters(s.id, { used: 0.5 })).toThrow(/whole numbers/);
    // The stuffing attack at the store: 25 clicks of one member on one answer are one vote.
    for (let i = 0; i < 25; i++)
      repo.vote({ answerId: 'answer-1', memberId: 'mallory', skillId: s.id, delta: 1 });
    expect(repo.getById(s.id)?.votes).toBe(1);
    repo.vote({ answerId: 'answer-1', memberId: 'mallory', skillId: s.id, delta: -1 });
    expect(repo.getById(s.id)?.votes).toBe(-1);
    repo.vote({ answerId: 'answer-2', memberId: 'mallory', skillId: s.id, delta: 1 });
    repo.vote({ answerId: 'answer-1', memberId: 'bo', skillId: s.id, delta: 1 });
    expect(repo.getById(s.id)?.votes).toBe(1);
    expect(() => repo.vote({ answerId: 'a', memberId: 'b', skillId: 999, delta: 1 })).toThrow(
      /does not exist/,
    );
  });

  it('migrates a version-1 database: existing skills become approved with a history of one', () => {
    const store = openStore({ path: ':memory:' });
    using _ = store;
    store.migrate('skills', SKILLS_MIGRATIONS.slice(0, 1));
    store.db
      .prepare(
        `INSERT INTO skills (scope, name, description, signature, code, task, author, source, created_at, updated_at, version, hash, used, votes)
         VALUES ('global', 'old-one', 'd', 's', 'function oldOne() {}', 't', 'ana', 'imported', '2024-01-01', '2024-02-01', 3, 'hx', 7, 2)`,
      )
      .run();
    const repo = createSkillsRepo(store);
    const [old] = repo.list();
    expect(old).toMatchObject({
      name: 'old-one',
      state: 'approved',
      version: 3,
      versionAuthor: 'ana',
      used: 7,
      votes: 2,
      tools: [],
    });
    expect(repo.versions(old?.id ?? 0)).toMatchObject([
      { version: 3, state: 'approved', note: 'migrated', code: 'function oldOne() {}' },
    ]);
    expect(store.version('skills')).toBe(SKILLS_MIGRATIONS.length);
  });

  it('refuses a row changed outside Toolsmith with a clear error', () => {
    const { store, repo } = setup();
    using _ = store;
    const s = repo.insert(skill());
    store.db.prepare("UPDATE skills SET tools = 'not json' WHERE id = ?").run(s.id);
    expect(() => repo.getById(s.id)).toThrow(StorageError);
    expect(() => repo.getById(s.id)).toThrow(/tools column/);
  });
});

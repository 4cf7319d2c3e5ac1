import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { codeHash } from '../../src/skills/skill-name.ts';
import type { SkillDraft } from '../../src/skills/types.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSkillsRepo } from '../../src/store/skills-repo.ts';

const draft = (overrides: Partial<SkillDraft> = {}): SkillDraft => ({
  name: 'sum-column',
  description: 'Sum a numeric column of rows.',
  signature: 'sumColumn(rows: object[], key: string): number',
  code: 'function sumColumn(rows, key) { return rows.reduce((t, r) => t + Number(r[key]), 0); }',
  task: 'total the amounts',
  scope: 'guild-1',
  author: 'ana',
  source: 'learned',
  ...overrides,
});

function setup() {
  const store = openStore({ path: ':memory:' });
  let tick = 0;
  const repo = createSkillsRepo(store, { now: () => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++)) });
  return { store, repo };
}

describe('skills repo', () => {
  it('inserts, reads back by id, name and hash, with the camelCase identifier', () => {
    const { store, repo } = setup();
    using _ = store;
    const d = draft({ example: 'sumColumn([{a: 1}], "a")' });
    const skill = repo.insert(d, codeHash(d.code));
    expect(skill).toMatchObject({
      name: 'sum-column',
      identifier: 'sumColumn',
      version: 1,
      retrieved: 0,
      used: 0,
      succeeded: 0,
      failed: 0,
      votes: 0,
      example: 'sumColumn([{a: 1}], "a")',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(repo.getById(skill.id)).toEqual(skill);
    expect(repo.getByName('guild-1', 'sum-column')).toEqual(skill);
    expect(repo.getByName('guild-2', 'sum-column')).toBeUndefined();
    expect(repo.findByHash(['guild-2', 'guild-1'], codeHash(`  ${d.code}\n`))).toEqual(skill);
    expect(repo.findByHash(['guild-2'], skill.hash)).toBeUndefined();
  });

  it('keeps names unique per scope, not across scopes', () => {
    const { store, repo } = setup();
    using _ = store;
    repo.insert(draft(), 'h1');
    repo.insert(draft({ scope: 'global' }), 'h1');
    expect(() => repo.insert(draft(), 'h2')).toThrow(UsageError);
    expect(() => repo.insert(draft(), 'h2')).toThrow(/already exists in scope guild-1/);
    expect(repo.count()).toBe(2);
    expect(repo.list(['global']).map((s) => s.scope)).toEqual(['global']);
    expect(repo.list().map((s) => s.scope)).toEqual(['global', 'guild-1']);
  });

  it('updates a new version and counts', () => {
    const { store, repo } = setup();
    using _ = store;
    const skill = repo.insert(draft(), 'h1');
    const updated = repo.update(
      skill.id,
      { code: 'function sumColumn() { return 0; }', hash: 'h2' },
      { bumpVersion: true },
    );
    expect(updated).toMatchObject({ version: 2, hash: 'h2', code: 'function sumColumn() { return 0; }' });
    expect(updated.updatedAt > skill.updatedAt).toBe(true);
    repo.addCounters(skill.id, { used: 2, succeeded: 1, failed: 1, votes: -1, retrieved: 3 });
    expect(repo.getById(skill.id)).toMatchObject({
      used: 2,
      succeeded: 1,
      failed: 1,
      votes: -1,
      retrieved: 3,
    });
    expect(() => repo.addCounters(skill.id, { used: 0.5 })).toThrow(/whole numbers/);
    expect(repo.getById(skill.id)?.used).toBe(2);
  });

  it('deletes, and an update of a deleted skill is a clear error', () => {
    const { store, repo } = setup();
    using _ = store;
    const skill = repo.insert(draft(), 'h1');
    expect(repo.delete(skill.id)).toBe(true);
    expect(repo.delete(skill.id)).toBe(false);
    expect(() => repo.update(skill.id, { code: 'x' })).toThrow(/does not exist/);
  });

  it('rejects a source outside learned, seed, imported at the database level', () => {
    const { store, repo } = setup();
    using _ = store;
    expect(() => repo.insert({ ...draft(), source: 'stolen' as unknown as 'seed' }, 'h')).toThrow(
      /CHECK constraint/,
    );
    expect(repo.count()).toBe(0);
  });
});

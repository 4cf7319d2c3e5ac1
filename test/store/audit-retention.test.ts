/**
 * Audit retention on a real store: prune deletes rows older than a date (in batches, all of them),
 * startAuditRetention prunes at start and again on its interval, and 0 days keeps everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuditRepo, createAuditRepo } from '../../src/store/audit-repo.ts';
import { startAuditRetention } from '../../src/store/audit-retention.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

const DAY = 24 * 60 * 60 * 1000;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A repo on a fresh store whose clock the test sets. */
function auditAt(start: Date): { audit: AuditRepo; store: Store; clock: { now: Date } } {
  const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-audit-'));
  const store = openStore({ dataDir: dir });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  const clock = { now: start };
  return { audit: createAuditRepo(store, () => clock.now), store, clock };
}

function count(store: Store): number {
  return Number(store.db.prepare('SELECT count(*) AS n FROM audit').get()?.n);
}

describe('audit retention', () => {
  it('prune deletes only the rows before the date, however many there are', () => {
    const { audit, store, clock } = auditAt(new Date('2026-01-01T00:00:00Z'));
    // A flood of old rows (more than one delete batch), then a few recent ones.
    store.transaction(() => {
      for (let i = 0; i < 12_000; i++)
        audit.record({ sessionId: 'old', actor: 'u', kind: 'tool', data: { i } });
    });
    clock.now = new Date('2026-03-01T00:00:00Z');
    audit.record({ sessionId: 'new', actor: 'u', kind: 'task', data: {} });
    expect(audit.prune(new Date('2026-02-01T00:00:00Z'))).toBe(12_000);
    expect(audit.list('old')).toEqual([]);
    expect(audit.list('new')).toHaveLength(1);
    expect(count(store)).toBe(1);
    expect(audit.prune(new Date('2026-02-01T00:00:00Z'))).toBe(0);
  });

  it('prunes at start and then on every interval, with the retention measured from now', async () => {
    const { audit, clock } = auditAt(new Date('2026-01-01T00:00:00Z'));
    audit.record({ sessionId: 'jan', actor: 'u', kind: 'task', data: {} });
    clock.now = new Date('2026-01-20T00:00:00Z');
    audit.record({ sessionId: 'later', actor: 'u', kind: 'task', data: {} });
    clock.now = new Date('2026-02-15T00:00:00Z');
    const pruned: number[] = [];
    const stop = startAuditRetention({
      audit,
      days: 30,
      now: () => clock.now,
      intervalMs: 20,
      onPrune: (deleted) => pruned.push(deleted),
    });
    cleanups.push(stop);
    // At start: January 1st is older than 30 days, January 20th is not.
    expect(audit.list('jan')).toEqual([]);
    expect(audit.list('later')).toHaveLength(1);
    expect(pruned).toEqual([1]);
    // Days later (the clock moves), the next scheduled prune takes the other one.
    clock.now = new Date(clock.now.getTime() + 10 * DAY);
    await expect.poll(() => audit.list('later'), { timeout: 5000 }).toEqual([]);
    expect(pruned).toEqual([1, 1]);
    stop();
  });

  it('keeps everything with 0 days, and a failing prune is reported, not thrown', () => {
    const { audit, clock } = auditAt(new Date('2000-01-01T00:00:00Z'));
    audit.record({ sessionId: 'ancient', actor: 'u', kind: 'task', data: {} });
    clock.now = new Date('2026-01-01T00:00:00Z');
    startAuditRetention({ audit, days: 0, now: () => clock.now })();
    expect(audit.list('ancient')).toHaveLength(1);
    const errors: unknown[] = [];
    const stop = startAuditRetention({
      audit: {
        prune: () => {
          throw new Error('database is locked');
        },
      },
      days: 1,
      onError: (error) => errors.push(error),
    });
    stop();
    expect(errors).toEqual([new Error('database is locked')]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionSnapshotSchema } from '../../src/agent/session-snapshot.ts';
import { RESTORED_NOTE } from '../../src/agent/task-session.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSessionsRepo } from '../../src/store/sessions-repo.ts';
import { type AgentHarness, createAgentHarness, toolResultsOf } from './harness.ts';

let h: AgentHarness;
let dataDir: string;
beforeEach(async () => {
  h = await createAgentHarness();
  dataDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-store-'));
});
afterEach(async () => {
  await h.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('saving and restoring a task session', () => {
  it('continues the transcript after a restart and tells the agent the sandbox state is gone', async () => {
    const store = openStore({ dataDir });
    const repo = createSessionsRepo(store, { snapshotSchema: SessionSnapshotSchema });
    const first = h.session({ id: 's1', onSave: (snapshot) => repo.saveSnapshot('s1', snapshot) });
    repo.create({
      id: 's1',
      frontEnd: 'terminal',
      scope: 'local',
      owner: 'tester',
      channelId: undefined,
      title: 'totals',
      status: 'running',
      workspaceDir: h.workspaceDir,
      snapshot: first.snapshot(),
    });
    h.fake.reply(h.fake.code('const total = 41 + 1; total'), h.fake.text('42'));
    await first.send('compute the total');
    first.dispose();
    store.close();

    // A new process: the store is opened again and the session restored from it.
    const reopened = openStore({ dataDir });
    const repo2 = createSessionsRepo(reopened, { snapshotSchema: SessionSnapshotSchema });
    expect(repo2.markInterrupted().map((row) => row.id)).toEqual(['s1']);
    const row = repo2.get('s1');
    expect(row?.status).toBe('interrupted');
    const restored = h.session({ id: 's1', restore: row?.snapshot });
    h.fake.reply(h.fake.code('typeof total'), h.fake.text('recomputed'));
    const report = await restored.send('and double it');
    expect(report.ok).toBe(true);

    const body = h.fake.requests[2]?.body;
    expect(body?.messages).toHaveLength(5);
    expect(JSON.stringify(body?.messages[4])).toContain(RESTORED_NOTE);
    expect(toolResultsOf(h.fake, 3)).toEqual(["=> 'undefined'"]);
    reopened.close();
  });

  it('refuses a corrupt transcript with a clear error instead of crashing', async () => {
    const store = openStore({ dataDir });
    const repo = createSessionsRepo(store, { snapshotSchema: SessionSnapshotSchema });
    store.db
      .prepare(
        "INSERT INTO sessions (id, scope, owner, channel_id, title, status, workspace_dir, snapshot, created_at, updated_at) VALUES ('bad', 'g', 'u', NULL, 't', 'idle', '/tmp', '{not json', 'x', 'x')",
      )
      .run();
    expect(() => repo.get('bad')).toThrow(/transcript of session bad is not valid JSON/);
    store.close();
  });
});

/**
 * What the bot keeps in the store: the sessions table (thread <-> conversation, owner, status,
 * workspace) and the audit log (who ran what task, each code run and tool call, outcome and cost).
 */

import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { startTask, waitForAnswers, waitForIdle } from './bot-steps.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('store records', () => {
  it('a task leaves audit rows: task, message, code, tool call, outcome with its cost', async () => {
    h.anthropic.reply(
      h.anthropic.code("await tools.workspace.write({ path: 'a.txt', content: 'hi' });\n'written'"),
      h.anthropic.text('Wrote a.txt.'),
    );
    const { thread } = await startTask(h, { prompt: 'write a file', user: 'bob' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    const bob = h.discord.user('bob').id;
    const rows = h.app.audit.list(thread.id);
    expect(rows.map((row) => row.kind)).toEqual(['task', 'message', 'code', 'tool', 'outcome']);
    expect(rows.every((row) => row.actor === bob && row.sessionId === thread.id)).toBe(true);
    const [task, message, code, tool, outcome] = rows;
    expect(task?.data).toEqual({
      title: 'write a file',
      prompt: 'write a file',
      guildId: h.discord.guildId,
      private: false,
    });
    expect(message?.data).toEqual({ text: 'write a file' });
    expect(code?.data).toEqual({
      step: 1,
      code: "await tools.workspace.write({ path: 'a.txt', content: 'hi' });\n'written'",
    });
    expect(tool?.data).toMatchObject({ phase: 'end', server: 'workspace', tool: 'write', ok: true });
    expect(outcome?.data).toEqual({ ok: true, stopReason: 'answered', steps: 2 });
    // two model turns of 100 input and 20 output tokens each, priced as the default model
    expect(outcome?.costUsd).toBeGreaterThan(0);
    expect(outcome?.costUsd).toBeCloseTo(h.app.sessions.get(thread.id)?.snapshot.costUsd ?? -1, 10);
    for (const row of rows) expect(Number.isNaN(Date.parse(row.at))).toBe(false);
  });

  it('a session row ties the thread to its conversation, owner and workspace, through follow-ups', async () => {
    h.anthropic.reply(h.anthropic.text('First.'));
    const { thread } = await startTask(h, { prompt: 'remember me', user: 'alice' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    const row = h.app.sessions.get(thread.id);
    expect(row).toMatchObject({
      id: thread.id,
      scope: h.discord.guildId,
      owner: h.discord.user('alice').id,
      channelId: thread.id,
      title: 'remember me',
      status: 'idle',
      workspaceDir: path.join(h.dataDir, 'workspaces', thread.id),
    });
    expect(row?.snapshot.messages.map((m) => m.role)).toEqual(['user', 'assistant']);

    h.anthropic.reply(h.anthropic.text('Second.'));
    await h.discord.message({ channelId: thread.id, author: 'bob', content: 'and me' });
    await waitForAnswers(h, thread.id, 2);
    await waitForIdle(h, thread.id);
    const after = h.app.sessions.get(thread.id);
    // the owner stays the one who started the task; the transcript grew
    expect(after?.owner).toBe(h.discord.user('alice').id);
    expect(after?.snapshot.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(
      h.app.audit
        .list(thread.id)
        .filter((r) => r.kind === 'message')
        .map((r) => r.actor),
    ).toEqual([h.discord.user('alice').id, h.discord.user('bob').id]);
  });

  it('the rows are on disk in DATA_DIR, readable by another process', async () => {
    h.anthropic.reply(h.anthropic.text('Saved.'));
    const { thread } = await startTask(h, { prompt: 'persist this' });
    await waitForAnswers(h, thread.id);
    await waitForIdle(h, thread.id);
    const files = await import('node:fs/promises').then((fs) => fs.readdir(h.dataDir));
    const dbFile = files.find((file) => file.endsWith('.db') || file.endsWith('.sqlite'));
    if (!dbFile) throw new Error(`no database file in ${files.join(', ')}`);
    const db = new DatabaseSync(path.join(h.dataDir, dbFile), { readOnly: true });
    try {
      expect(db.prepare('SELECT id, status FROM sessions').all()).toEqual([
        { id: thread.id, status: 'idle' },
      ]);
      const kinds = db.prepare('SELECT kind FROM audit WHERE session_id = ? ORDER BY id').all(thread.id);
      expect(kinds.map((row) => row.kind)).toEqual(['task', 'message', 'outcome']);
    } finally {
      db.close();
    }
  });
});

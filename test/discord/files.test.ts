/**
 * Files in and out: an attachment of /task lands in the session's workspace where the code reads it;
 * oversize and program files are refused with a clear message while the task goes on; files the code
 * wrote are posted as attachments, or named when they are too large.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { botMessages, startTask, toolResults, waitForAnswers, waitForMessage } from './bot-steps.ts';

const SALES = 'region,amount\nnorth,120\nsouth,80\neast,42\n';
const SUM_CODE = `const { text } = await tools.workspace.readText({ path: 'sales.csv' });
const rows = text.trim().split('\\n').slice(1).map((line) => line.split(','));
rows.reduce((sum, [, amount]) => sum + Number(amount), 0)`;

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness({ env: { MAX_ATTACHMENT_BYTES: '1000' } });
});
afterEach(async () => {
  await h.close();
});

const workspaceOf = (threadId: string) => h.app.sessions.get(threadId)?.workspaceDir ?? '';

describe('files', () => {
  it('a CSV attached to /task is in the workspace and read by the code', async () => {
    h.anthropic.reply(h.anthropic.code(SUM_CODE), h.anthropic.text('Total sales: **242**.'));
    const { thread } = await startTask(h, {
      prompt: 'total of the amount column',
      file: { name: 'sales.csv', content: SALES, contentType: 'text/csv' },
    });
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('Total sales: **242**.');
    expect(toolResults(h, 1)).toEqual(['=> 242']);
    expect(await readFile(path.join(workspaceOf(thread.id), 'sales.csv'), 'utf8')).toBe(SALES);
    // the prompt listed the file for the agent
    expect(JSON.stringify(h.anthropic.requests[0]?.body?.system)).toContain('sales.csv');
    const tools = h.app.audit.list(thread.id).filter((entry) => entry.kind === 'tool');
    expect(tools.map((entry) => [entry.data.server, entry.data.tool, entry.data.ok])).toEqual([
      ['workspace', 'readText', true],
    ]);
    expect(h.errors).toEqual([]);
  });

  it('an oversize attachment gets a clear message, is not saved, and the task goes on', async () => {
    h.anthropic.reply(
      h.anthropic.code('(await tools.workspace.list({})).entries.map((e) => e.path)'),
      h.anthropic.text('The file did not arrive, so I cannot sum it.'),
    );
    const { thread } = await startTask(h, {
      prompt: 'sum this big file',
      file: { name: 'big.csv', content: `n\n${'1\n'.repeat(1500)}` },
    });
    const warning = await waitForMessage(h, thread.id, (m) => m.content.startsWith('⚠️'), 'the warning');
    expect(warning.content).toBe(
      '⚠️ big.csv is 2.9 KB, over the 1000 B limit for one file (1000 bytes, MAX_ATTACHMENT_BYTES). The task goes on without it.',
    );
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('The file did not arrive, so I cannot sum it.');
    expect(toolResults(h, 1)).toEqual(['=> []']);
    await expect(access(path.join(workspaceOf(thread.id), 'big.csv'))).rejects.toThrow();
  });

  it('a program is refused with a clear message and the task goes on', async () => {
    h.anthropic.reply(h.anthropic.text('No file to look at.'));
    const { thread } = await startTask(h, {
      prompt: 'run this tool',
      file: { name: 'setup.exe', content: 'MZ\u0090\u0000' },
    });
    const warning = await waitForMessage(h, thread.id, (m) => m.content.startsWith('⚠️'), 'the warning');
    expect(warning.content).toBe(
      '⚠️ setup.exe is a program; only data files (CSV, JSON, text, images, …) can be used. The task goes on without it.',
    );
    await waitForAnswers(h, thread.id);
    await expect(access(path.join(workspaceOf(thread.id), 'setup.exe'))).rejects.toThrow();
  });

  it('files the code wrote are posted as attachments; one over the size limit is named instead', async () => {
    h.anthropic.reply(
      h.anthropic.code(`await tools.workspace.write({ path: 'report.txt', content: 'north: 120' });
await tools.workspace.write({ path: 'out/huge.log', content: 'x'.repeat(5000) });
'written'`),
      h.anthropic.text('I wrote report.txt and huge.log.'),
    );
    const { thread } = await startTask(h, { prompt: 'write a report' });
    await waitForAnswers(h, thread.id);
    const filesMessage = await waitForMessage(h, thread.id, (m) => m.content.startsWith('📎'), 'the files');
    expect(filesMessage.content).toBe('📎 Files from this task:');
    expect(filesMessage.attachments.map((a) => [a.filename, a.size])).toEqual([['report.txt', 10]]);
    const upload = h.discord.requests.find((r) => r.files.some((f) => f.name === 'report.txt'));
    expect(upload?.files.map((f) => f.data.toString('utf8'))).toEqual(['north: 120']);
    expect(upload?.auth).toBe('bot');
    const tooLarge = await waitForMessage(
      h,
      thread.id,
      (m) => m.content.includes('Too large'),
      'the size note',
    );
    expect(tooLarge.content).toBe(
      "⚠️ Too large to attach (limit 1000 B per message): out/huge.log (4.9 KB). They are in the task's workspace.",
    );
    // nothing else was attached
    expect(botMessages(h, thread.id).flatMap((m) => m.attachments.map((a) => a.filename))).toEqual([
      'report.txt',
    ]);
  });
});

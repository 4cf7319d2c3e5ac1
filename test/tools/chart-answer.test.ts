/**
 * A chart from a task, end to end: the agent's code calls `tools.chart.render` on an attached CSV, and
 * the PNG reaches the thread with the answer as an image attachment (a `.png` sent as `image/png`,
 * which Discord shows inline). Real discord.js against the fake Discord, the real model client against
 * the fake Messages API, the real hub, sandbox and chart worker.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from '../discord/bot-harness.ts';
import { startTask, toolResults, waitForAnswers, waitForMessage } from '../discord/bot-steps.ts';

const SALES = 'Region,Revenue\nNorth,120\nSouth,80\nEast,42\n';
const CHART_CODE = `const chart = await tools.chart.render({
  spec: {
    mark: 'bar',
    encoding: { x: { field: 'Region', type: 'nominal' }, y: { field: 'Revenue', type: 'quantitative' } },
  },
  dataFile: 'sales.csv',
  path: 'revenue.png',
  width: 400,
  height: 300,
});
chart.width + 'x' + chart.height`;

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('a chart in a task answer', () => {
  it('is drawn from the attached CSV and posted in the thread as a PNG image', {
    timeout: 60_000,
  }, async () => {
    h.anthropic.reply(h.anthropic.code(CHART_CODE), h.anthropic.text('Here is revenue by region.'));
    const { thread } = await startTask(h, {
      prompt: 'chart revenue by region',
      file: { name: 'sales.csv', content: SALES, contentType: 'text/csv' },
    });
    // The first chart of a process starts the chart worker (Vega, the schema): seconds on a busy machine.
    const [answer] = await waitForAnswers(h, thread.id, 1, 30_000);
    expect(answer?.content).toBe('Here is revenue by region.');
    expect(toolResults(h, 1)).toEqual(["=> '800x600'"]);
    const files = await waitForMessage(h, thread.id, (m) => m.content.startsWith('📎'), 'the files');
    expect(files.attachments.map((a) => [a.filename, a.content_type])).toEqual([
      ['revenue.png', 'image/png'],
    ]);
    const upload = h.discord.requests.flatMap((r) => r.files).find((f) => f.name === 'revenue.png');
    const png = PNG.sync.read(upload?.data ?? Buffer.alloc(0));
    expect([png.width, png.height]).toEqual([800, 600]);
    const workspace = h.app.sessions.get(thread.id)?.workspaceDir ?? '';
    expect(upload?.data.equals(await readFile(path.join(workspace, 'revenue.png')))).toBe(true);
    expect(h.errors).toEqual([]);
  });
});

/**
 * The code interpreter, end to end in a thread (issue 15's "done when"): messy sales data parsed with
 * papaparse and answered with a chart attached, in one run; an .xlsx attachment read with the bundled
 * spreadsheet reader and summarised. Real discord.js on the fake Discord, the real model client on the
 * fake Messages API, the real hub, sandbox, libraries and chart worker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { startTask, toolResults, waitForAnswers, waitForMessage } from './bot-steps.ts';

/** Messy sales: a BOM, quoted fields with commas, currency strings, blank lines and a bad row. */
const MESSY =
  '\uFEFFRegion,Revenue\n"North, East","$1,200.50"\nSouth,80\n\n"North, East", $ 99.50 \nWest,n/a\n';

const PARSE_AND_CHART = `import Papa from 'papaparse';
import { groupBy, sumBy } from 'lodash-es';
const { text } = await tools.workspace.readText({ path: 'sales.csv' });
const { data } = Papa.parse(text.replace(/^\\uFEFF/, ''), { header: true, skipEmptyLines: true });
const rows = data
  .map((r) => ({ Region: r.Region, Revenue: Number(String(r.Revenue).replace(/[$,\\s]/g, '')) }))
  .filter((r) => Number.isFinite(r.Revenue));
const totals = Object.entries(groupBy(rows, 'Region')).map(([Region, rs]) => ({ Region, Revenue: sumBy(rs, 'Revenue') }));
await tools.chart.render({
  spec: { mark: 'bar', data: { values: totals }, encoding: { x: { field: 'Region', type: 'nominal' }, y: { field: 'Revenue', type: 'quantitative' } } },
  path: 'revenue.png',
});
totals`;

const READ_XLSX = `import { readSheet } from 'read-excel-file';
const { base64 } = await tools.workspace.readBase64({ path: 'orders.xlsx' });
const rows = await readSheet(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer);
const [header, ...body] = rows;
({ columns: header, rows: body.length, units: body.reduce((sum, r) => sum + r[1], 0) })`;

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the code interpreter in a thread', () => {
  it('parses messy sales with papaparse and answers with a chart attached, in one run', {
    timeout: 90_000,
  }, async () => {
    h.anthropic.reply(h.anthropic.code(PARSE_AND_CHART), h.anthropic.text('North, East leads with $1,300.'));
    const { thread } = await startTask(h, {
      prompt: 'total revenue by region, with a chart',
      file: { name: 'sales.csv', content: MESSY, contentType: 'text/csv' },
    });
    const [answer] = await waitForAnswers(h, thread.id, 1, 60_000);
    expect(answer?.content).toBe('North, East leads with $1,300.');
    expect(toolResults(h, 1)).toEqual([
      "=> [\n  { Region: 'North, East', Revenue: 1300 },\n  { Region: 'South', Revenue: 80 }\n]",
    ]);
    const files = await waitForMessage(h, thread.id, (m) => m.content.startsWith('📎'), 'the chart');
    expect(files.attachments.map((a) => [a.filename, a.content_type])).toEqual([
      ['revenue.png', 'image/png'],
    ]);
  });

  it('summarises an .xlsx attachment with the bundled spreadsheet reader', { timeout: 90_000 }, async () => {
    const sheet = [
      ['Item', 'Units'],
      ['Widget', 12],
      ['Gadget', 30],
    ].map((row) => row.map((value) => ({ value })));
    const xlsx = await writeXlsxFile(sheet).toBuffer();
    h.anthropic.reply(h.anthropic.code(READ_XLSX), h.anthropic.text('2 items, 42 units.'));
    const { thread } = await startTask(h, {
      prompt: 'summarise this spreadsheet',
      file: {
        name: 'orders.xlsx',
        content: new Uint8Array(xlsx),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    });
    const [answer] = await waitForAnswers(h, thread.id, 1, 60_000);
    expect(answer?.content).toBe('2 items, 42 units.');
    expect(toolResults(h, 1)).toEqual(["=> { columns: [ 'Item', 'Units' ], rows: 2, units: 42 }"]);
  });
});

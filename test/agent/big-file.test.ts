/**
 * A file far over one call's limit, processed by the agent's own code in the sandbox: reading it whole
 * is refused with a hint, and the code sums it in parts with readLines (and with readText ranges),
 * getting the same total as Node reading it whole. Real sandbox, real tool hub, real SDK on the fake
 * Messages API.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, createAgentHarness, toolResultsOf } from './harness.ts';

let h: AgentHarness;
beforeAll(async () => {
  h = await createAgentHarness(); // one call reads or writes at most 1 MiB
  const lines = ['id,region,amount'];
  for (let i = 0; i < 700_000; i++)
    lines.push(`${i},${['North', 'Zürich', 'Île'][i % 3]},${(i * 7919) % 10_000}`);
  await writeFile(path.join(h.workspaceDir, 'big.csv'), `${lines.join('\n')}\n`);
}, 60_000);
afterAll(() => h.close());

describe('a file over the per-call limit', () => {
  it('is summed by the agent in parts, the same as Node reading it whole', async () => {
    const text = await readFile(path.join(h.workspaceDir, 'big.csv'), 'utf8');
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const expected = text
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, line) => sum + Number(line.split(',')[2]), 0);

    const whole = "await tools.workspace.readText({ path: 'big.csv' })";
    const byLines = `let sum = 0, calls = 0;
for (let from = 2; from !== null; calls++) {
  const part = await tools.workspace.readLines({ path: 'big.csv', from, count: 100000 });
  for (const line of part.lines) sum += Number(line.split(',')[2]);
  from = part.nextFrom;
}
({ sum, calls })`;
    const byRanges = `let total = 0, rest = '', offset = 0;
while (offset !== null) {
  const part = await tools.workspace.readText({ path: 'big.csv', offset });
  const lines = (rest + part.text).split('\\n');
  rest = lines.pop();
  for (const line of lines) if (!line.startsWith('id,')) total += Number(line.split(',')[2]);
  offset = part.nextOffset;
}
total`;
    h.fake.reply(
      h.fake.code(whole),
      h.fake.code(byLines),
      h.fake.code(byRanges),
      h.fake.text(`The total is ${expected}.`),
    );
    const report = await h.session().send('Sum the amount column of big.csv');
    expect(report.ok).toBe(true);
    expect(toolResultsOf(h.fake, 1)[0]).toMatch(
      /"big.csv" is 1\d\.\d MB \(\d+ bytes\), over the 1\.0 MB \(1048576 bytes\) limit of one read \(WORKSPACE_MAX_FILE_BYTES\); read it in parts with readText\(\{ path, offset, length \}\) or readLines/,
    );
    const lines = toolResultsOf(h.fake, 2)[0] ?? '';
    expect(lines).toContain(`sum: ${expected}`);
    expect(Number(/calls: (\d+)/.exec(lines)?.[1])).toBeGreaterThanOrEqual(10);
    expect(toolResultsOf(h.fake, 3)[0]).toContain(String(expected));
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { distilled } from '../helpers/distilled-skill.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { toolResultsOf } from './harness.ts';

const CSV = 'region,amount\nEU,1000\nUS,250\nEU,500\n';
const SOLVING_CODE = `const { text } = await tools.workspace.readText({ path: 'sales.csv' });
const rows = text.trim().split('\\n').slice(1).map((line) => line.split(','));
const totals = {};
for (const [region, amount] of rows) totals[region] = (totals[region] ?? 0) + Number(amount);
totals`;

let fake: FakeAnthropic;
let dir: string;
let app: App;
beforeEach(async () => {
  fake = await createFakeAnthropic({ apiKey: 'k' });
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-learn-'));
  const config = loadConfig({
    DATA_DIR: dir,
    ANTHROPIC_API_KEY: 'k',
    MCP_CONFIG: path.join(dir, 'none.json'),
  });
  app = await createApp(config, {
    model: createAnthropicModel({ apiKey: 'k', baseUrl: fake.url, maxRetries: 0 }),
  });
});
afterEach(async () => {
  await app.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the agent learns a skill and offers it to a similar task', () => {
  it('distils the solving code, then a paraphrased task gets it in its prompt and calls it', async () => {
    const scope = { scope: 'guild-1', author: 'ana' };
    const first = await app.openSession({ id: 't1', scope, frontEnd: 'Discord' });
    await writeFile(path.join(dir, 'workspaces', 't1', 'sales.csv'), CSV);
    fake.reply(fake.code(SOLVING_CODE), fake.text('EU 1500, US 250'), fake.text(JSON.stringify(distilled)));
    const report = await first.send('What is the total amount per region in sales.csv?');
    expect(report.ok).toBe(true);
    expect(report.skillLearned).toBe('total-by-column');
    expect(fake.requests[2]?.body?.model).toBe(app.config.anthropic.distillModel);
    first.dispose();

    const second = await app.openSession({ id: 't2', scope, frontEnd: 'Discord' });
    await writeFile(
      path.join(dir, 'workspaces', 't2', 'orders.csv'),
      'category,amount\nbooks,10\ntoys,5\nbooks,7\n',
    );
    fake.reply(
      fake.code(
        "const { text } = await tools.workspace.readText({ path: 'orders.csv' });\nawait skills.totalByColumn(text, 0, 1)",
      ),
      fake.text('books 17, toys 5'),
    );
    const next = await second.send('sum the amounts for each category in orders.csv');
    const system = fake.requests[3]?.body?.system as { text: string }[];
    expect(system[1]?.text).toContain('<skill name="totalByColumn">');
    expect(system[1]?.text).toContain('Reference code');
    expect(next.skillsOffered).toContain('total-by-column');
    expect(toolResultsOf(fake, 4)).toEqual(['=> { books: 17, toys: 5 }']);
    expect(next.skillsUsed).toEqual(['total-by-column']);

    const other = await app.openSession({
      id: 't3',
      scope: { scope: 'guild-2', author: 'bo' },
      frontEnd: 'Discord',
    });
    fake.reply(fake.text('no skill here'));
    const elsewhere = await other.send('sum the amounts for each category in orders.csv');
    expect(elsewhere.skillsOffered).not.toContain('total-by-column');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskReport } from '../../src/agent/types.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import type { Actor } from '../../src/service/types.ts';
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
    SANDBOX_SPARE_PROCESSES: '0',
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

const member = (userId: string, guildId: string): Actor => ({
  userId,
  guildId,
  channelId: 'c1',
  roleIds: [],
  isGuildAdmin: false,
});

/** A task session opened through the task service, as Discord opens one. */
async function openTask(id: string, actor: Actor) {
  await app.service.open({ id, actor, title: id, frontEnd: 'discord' });
  return {
    async send(text: string): Promise<TaskReport> {
      const sent = await app.service.send(id, { actor, text });
      if (!sent.accepted) throw new Error(`refused: ${sent.reason}`);
      const outcome = await sent.done;
      if (outcome.status !== 'done') throw new Error(`not done: ${outcome.status}`);
      return outcome.report;
    },
  };
}

describe('the agent learns a skill and offers it to a similar task', () => {
  it('distils the solving code, then a paraphrased task gets it in its prompt and calls it', async () => {
    const first = await openTask('t1', member('ana', 'guild-1'));
    await writeFile(path.join(dir, 'workspaces', 't1', 'sales.csv'), CSV);
    fake.reply(fake.code(SOLVING_CODE), fake.text('EU 1500, US 250'), fake.text(JSON.stringify(distilled)));
    const report = await first.send('What is the total amount per region in sales.csv?');
    expect(report.ok).toBe(true);
    expect(report.skillLearned).toBe('total-by-column');
    expect(fake.requests[2]?.body?.model).toBe(app.config.anthropic.distillModel);

    const second = await openTask('t2', member('ana', 'guild-1'));
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

    const other = await openTask('t3', member('bo', 'guild-2'));
    fake.reply(fake.text('no skill here'));
    const elsewhere = await other.send('sum the amounts for each category in orders.csv');
    expect(elsewhere.skillsOffered).not.toContain('total-by-column');
  });
});

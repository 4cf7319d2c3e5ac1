/**
 * The app end to end with its sandboxes in worker processes (SANDBOX_WORKERS=process, the default):
 * a task whose code blows a sandbox up beyond recovery gets a clear error, its next code runs in a
 * fresh process with the workspace tools, and the app (this process) has lost nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { lostIsolates } from '../../src/sandbox/isolate-session.ts';
import type { Actor } from '../../src/service/types.ts';
import { toolResultsOf } from '../agent/harness.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';

let fake: FakeAnthropic;
let dir: string;
let app: App;
beforeAll(async () => {
  fake = await createFakeAnthropic({ apiKey: 'k' });
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-pool-app-'));
  const config = loadConfig({
    DATA_DIR: dir,
    ANTHROPIC_API_KEY: 'k',
    MCP_CONFIG: path.join(dir, 'none.json'),
    SANDBOX_MEMORY_MB: '16',
  });
  app = await createApp(config, {
    skills: false,
    model: createAnthropicModel({ apiKey: 'k', baseUrl: fake.url, maxRetries: 0 }),
  });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

const actor: Actor = { userId: 'ana', guildId: 'g1', channelId: 'c1', roleIds: [], isGuildAdmin: false };

describe('a task through the sandbox pool', () => {
  it('survives an isolate lost beyond recovery and answers from a fresh process', async () => {
    expect(app.config.sandboxProcesses).toMatchObject({ mode: 'process', perProcess: 8, maxRssMb: 1024 });
    expect(app.sandboxPool).toBeDefined();
    const lostHere = lostIsolates().count;
    await app.service.open({ id: 't1', actor, title: 't1', frontEnd: 'discord' });
    await writeFile(
      path.join(dir, 'workspaces', 't1', 'sales.csv'),
      'region,amount\nEU,1000\nUS,250\nEU,500\n',
    );
    fake.reply(
      fake.code('const index = {}; for (let i = 0; ; i++) index["row" + i] = i;'),
      fake.code(`const { text } = await tools.workspace.readText({ path: 'sales.csv' });
const totals = {};
for (const line of text.trim().split('\\n').slice(1)) {
  const [region, amount] = line.split(',');
  totals[region] = (totals[region] ?? 0) + Number(amount);
}
totals`),
      fake.text('EU 1500, US 250'),
    );
    const sent = await app.service.send('t1', { actor, text: 'Total amount per region in sales.csv?' });
    if (!sent.accepted) throw new Error(sent.reason);
    const outcome = await sent.done;
    expect(outcome.status).toBe('done');
    const [bombed] = toolResultsOf(fake, 1);
    expect(bombed).toContain('Memory limit of 16 MB exceeded by one allocation too large');
    expect(bombed).toContain('the next run starts in a fresh sandbox process');
    const [totals] = toolResultsOf(fake, 2);
    expect(totals).toContain('EU: 1500');
    expect(totals).toContain('US: 250');
    // The process that lost the isolate is gone; the session's sandbox lives in a healthy one.
    const processes = app.sandboxPool?.status() ?? [];
    expect(processes.filter((status) => status.tainted)).toEqual([]);
    expect(processes.filter((status) => status.sandboxes === 1)).toHaveLength(1);
    // None was lost in this process.
    expect(lostIsolates().count).toBe(lostHere);
  });

  it('SANDBOX_WORKERS=inline keeps isolates in the app process', () => {
    const config = loadConfig({ DATA_DIR: dir, SANDBOX_WORKERS: 'inline' });
    expect(config.sandboxProcesses.mode).toBe('inline');
    expect(() => loadConfig({ DATA_DIR: dir, SANDBOX_WORKERS: 'threads' })).toThrow(
      /SANDBOX_WORKERS.*expected process or inline/,
    );
  });
});

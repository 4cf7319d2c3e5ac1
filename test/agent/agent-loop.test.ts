import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { describeCost } from '../../src/model/pricing.ts';
import { type AgentHarness, createAgentHarness, toolResultsOf } from './harness.ts';

const MESSY_CSV = [
  'Region,Product,Revenue ',
  'North,Widget,"$1,000"',
  'South,Gadget,"$2,000"',
  'North,Gadget,"$1,500"',
  'East,Widget,$500',
].join('\n');

let h: AgentHarness;
beforeEach(async () => {
  h = await createAgentHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the CodeAct loop', () => {
  it('solves a task in one step and reports usage, cost and the code', async () => {
    h.fake.reply(
      h.fake.code('return [1, 2, 3].reduce((a, b) => a + b, 0)'),
      h.fake.text('The sum is **6**.'),
    );
    const report = await h.session().send('add 1, 2 and 3', { onEvent: (e) => h.events.push(e) });

    expect(report.ok).toBe(true);
    expect(report.answer).toBe('The sum is **6**.');
    expect(report.steps).toBe(2);
    expect(report.resultCode).toContain('reduce');
    expect(report.usage.inputTokens).toBe(200);
    expect(report.costUsd).toBeGreaterThan(0);
    expect(toolResultsOf(h.fake, 1)).toEqual(['=> 6']);
    const types = h.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['task-started', 'step', 'code', 'observation', 'usage', 'answer']),
    );
    expect(types.indexOf('code')).toBeLessThan(types.indexOf('observation'));
  });

  it('puts the sandbox rules and the tool declarations in a cached system prompt', async () => {
    h.fake.reply(h.fake.text('hi'));
    await h.session().send('say hi');
    const body = h.fake.requests[0]?.body as unknown as {
      system: { type: string; text: string; cache_control?: unknown }[];
      tools: { name: string }[];
    };
    expect(body.system[0]?.text).toContain('no `require`');
    expect(body.system[0]?.text).toContain('workspace: {');
    expect(body.system[0]?.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.system[1]?.text).toContain('# Workspace files');
    expect(body.tools.map((t) => t.name)).toEqual(['run_code']);
  });

  it('fixes the messy CSV from the error: Revenue with a trailing space and "$" values', async () => {
    await writeFile(path.join(h.workspaceDir, 'sales.csv'), MESSY_CSV);
    const naive = `const { text } = await tools.workspace.readText({ path: 'sales.csv' });
const [header, ...lines] = text.split('\\n');
const keys = header.split(',');
rows = lines.map((line) => Object.fromEntries(line.match(/("[^"]*"|[^,]+)/g).map((v, i) => [keys[i], v])));
const totals = {};
for (const row of rows) totals[row.Region] = (totals[row.Region] ?? 0) + Number(row.Revenue.replace(/[$,"]/g, ''));
totals`;
    const fixed = `const clean = (v) => Number(String(v).replace(/[$,"\\s]/g, ''));
const sums = {};
for (const row of rows) {
  const revenueKey = Object.keys(row).find((k) => k.trim() === 'Revenue');
  sums[row.Region] = (sums[row.Region] ?? 0) + clean(row[revenueKey]);
}
Object.entries(sums).sort((a, b) => b[1] - a[1])`;
    h.fake.reply(h.fake.code(naive), h.fake.code(fixed), h.fake.text('North 2500, South 2000, East 500'));

    const report = await h.session().send('sum Revenue by Region, sort descending');

    const first = toolResultsOf(h.fake, 1)[0] ?? '';
    expect(first).toContain("TypeError: Cannot read properties of undefined (reading 'replace')");
    expect(first).toMatch(/6 \| for \(const row of rows\)/);
    const second = toolResultsOf(h.fake, 2)[0] ?? '';
    expect(second).toContain("[ 'North', 2500 ], [ 'South', 2000 ], [ 'East', 500 ]");
    expect(report.ok).toBe(true);
    expect(report.runs.map((r) => r.ok)).toEqual([false, true]);
    expect(report.resultCode).toBe(fixed);
  });

  it('runs several code blocks of one reply in order, each with its tool result', async () => {
    h.fake.reply(h.fake.toolUses([{ code: 'let n = 1; n' }, { code: 'n += 41; n' }]), h.fake.text('42'));
    await h.session().send('count');
    expect(toolResultsOf(h.fake, 1)).toEqual(['=> 1', '=> 42']);
  });

  it('continues a follow-up with a variable from the previous message', async () => {
    const session = h.session();
    h.fake.reply(h.fake.code('const data = [3, 1, 2]; data.length'), h.fake.text('3 items'));
    await session.send('load the data');
    h.fake.reply(h.fake.code('data.sort((a, b) => a - b)'), h.fake.text('sorted: 1, 2, 3'));
    const report = await session.send('now sort it');
    expect(report.ok).toBe(true);
    expect(toolResultsOf(h.fake, 3)).toEqual(['=> [ 1, 2, 3 ]']);
    const body = h.fake.requests[2]?.body;
    expect(body?.messages.length).toBe(5);
  });

  it('calls a built-in tool from the code and writes a file that the report lists', async () => {
    h.fake.reply(
      h.fake.code("await tools.workspace.write({ path: 'out/report.txt', content: 'hello' }); 'written'"),
      h.fake.text('Wrote out/report.txt'),
    );
    const report = await h.session().send('write a report', { onEvent: (e) => h.events.push(e) });
    expect(await readFile(path.join(h.workspaceDir, 'out/report.txt'), 'utf8')).toBe('hello');
    expect(report.files).toEqual(['out/report.txt']);
    const calls = h.events.flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));
    expect(calls.map((c) => `${c.phase}:${c.server}.${c.tool}`)).toEqual([
      'start:workspace.write',
      'end:workspace.write',
    ]);
  });

  it('stops at the step limit and says so', async () => {
    h.fake.replyWith(({ index }) => h.fake.code(`${index} * 2`));
    const report = await h
      .session({ limits: { maxSteps: 3, wallMs: 60_000, maxTokens: 1e6, maxCostUsd: 5 } })
      .send('loop');
    expect(report.ok).toBe(false);
    expect(report.stopReason).toBe('max-steps');
    expect(report.answer).toContain('3 steps');
    expect(h.fake.requests.length).toBe(3);
  });

  it('stops when stuck on the same error three times', async () => {
    h.fake.replyWith(({ index }) => h.fake.code(`// attempt ${index}\nnull.x`));
    const report = await h.session().send('stuck');
    expect(report.stopReason).toBe('stuck');
    expect(report.answer).toContain(
      "the same error 3 times in a row: TypeError: Cannot read properties of null (reading 'x')",
    );
    expect(report.steps).toBe(3);
  });

  it('stops when stuck on the same code three times', async () => {
    h.fake.replyWith(() => h.fake.code('1 + 1'));
    const report = await h.session().send('stuck');
    expect(report.stopReason).toBe('stuck');
    expect(report.answer).toContain('the same code 3 times');
  });

  it('retries a 529 and then succeeds, telling the front end', async () => {
    h.fake.reply(h.fake.overloaded(), h.fake.text('done'));
    const report = await h.session().send('hello', { onEvent: (e) => h.events.push(e) });
    expect(report.ok).toBe(true);
    expect(h.events.some((e) => e.type === 'retry')).toBe(true);
    expect(h.fake.requests.length).toBe(2);
  });

  it('reports the model failure clearly when retries run out', async () => {
    h.fake.reply(h.fake.overloaded(), h.fake.overloaded(), h.fake.overloaded(), h.fake.overloaded());
    const report = await h.session().send('hello');
    expect(report.ok).toBe(false);
    expect(report.stopReason).toBe('error');
    expect(report.answer).toMatch(/overloaded/i);
    expect(report.answer).not.toContain('test-key');
  });

  it('aborts in the middle of a long-running code step', async () => {
    h.fake.reply(h.fake.code('await sleep(30_000); "never"'));
    const controller = new AbortController();
    const started = Date.now();
    const pending = h.session().send('wait', {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'code') setTimeout(() => controller.abort(), 50);
      },
    });
    const report = await pending;
    expect(report.stopReason).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('aborts a model call that stalls', async () => {
    h.fake.reply(h.fake.stall());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const report = await h.session().send('stall', { signal: controller.signal });
    expect(report.stopReason).toBe('aborted');
  });

  it('stops when the token budget is exceeded', async () => {
    h.fake.replyWith(({ index }) =>
      h.fake.code(`${index}`, { usage: { input_tokens: 600, output_tokens: 100 } }),
    );
    const report = await h
      .session({ limits: { maxSteps: 12, wallMs: 60_000, maxTokens: 1500, maxCostUsd: 5 } })
      .send('spend');
    expect(report.stopReason).toBe('token-budget');
    expect(report.steps).toBe(3);
  });

  it('stops when the cost budget is exceeded', async () => {
    h.fake.replyWith(({ index }) =>
      h.fake.code(`${index}`, { usage: { input_tokens: 1_000_000, output_tokens: 0 } }),
    );
    const report = await h
      .session({ limits: { maxSteps: 12, wallMs: 60_000, maxTokens: 1e9, maxCostUsd: 1 } })
      .send('spend');
    expect(report.stopReason).toBe('cost-budget');
    expect(report.costUsd).toBeGreaterThan(1);
  });

  it('keeps the transcript valid: a bad tool input gets an error result, not a crash', async () => {
    h.fake.reply(h.fake.toolUses([{ name: 'run_code', input: { source: 'x' } }]), h.fake.text('ok'));
    const report = await h.session().send('bad input');
    expect(report.ok).toBe(true);
    expect(toolResultsOf(h.fake, 1)[0]).toContain('Call run_code with {"code"');
  });
});

describe('the CodeAct loop on Anthropic-compatible servers', () => {
  const localModel = (model = 'qwen3-coder:30b') =>
    createAnthropicModel({
      apiKey: 'test-key',
      baseUrl: h.fake.url,
      model,
      maxRetries: 2,
      backoff: { baseDelayMs: 5, maxDelayMs: 20 },
    });

  it('retries a stream that errors mid-way (llama.cpp) and keeps none of its partial output', async () => {
    h.fake.reply(
      h.fake.llamaStreamError({ before: [{ type: 'text', text: 'I will run' }] }),
      h.fake.code('6 * 7'),
      h.fake.text('42'),
    );
    const report = await h.session().send('multiply', { onEvent: (e) => h.events.push(e) });
    expect(report).toMatchObject({ ok: true, answer: '42', steps: 2 });
    expect(h.events.find((e) => e.type === 'retry')).toMatchObject({
      reason: 'server error (server_error, mid-stream)',
    });
    expect(h.fake.requests).toHaveLength(3);
    expect(h.fake.requests[2]?.raw).not.toContain('I will run');
  });

  it('keeps the transcript valid after a reply with no content blocks at all', async () => {
    const session = h.session();
    h.fake.reply(h.fake.message([]));
    expect((await session.send('hello')).answer).toBe('(no answer)');
    h.fake.reply(h.fake.text('here now'));
    // The fake answers an empty assistant message in the transcript with the API's 400.
    expect((await session.send('again?')).answer).toBe('here now');
  });

  it('shows the cost of a model with no known price as unknown, never $0', async () => {
    h.fake.reply(h.fake.code('1 + 1'), h.fake.text('2'));
    const report = await h.session({ model: localModel() }).send('add', { onEvent: (e) => h.events.push(e) });
    expect(report.ok).toBe(true);
    expect(report.costUsd).toBe(0);
    expect(report.usage.unpricedTokens).toBe(240);
    expect(describeCost(report.costUsd, report.usage)).toBe('cost unknown');
    const last = h.events.filter((e) => e.type === 'usage').at(-1);
    expect(last?.type === 'usage' && describeCost(last.costUsd, last.usage)).toBe('cost unknown');
  });

  it('still stops a runaway loop on a model with no known price at the cost budget', async () => {
    // 7000 tokens a step at the $3 per million stand-in: $0.021 a step, so a $0.05 budget ends step 3.
    h.fake.replyWith(({ index }) =>
      h.fake.code(`${index}`, { usage: { input_tokens: 6000, output_tokens: 1000 } }),
    );
    const report = await h
      .session({
        model: localModel(),
        limits: { maxSteps: 12, wallMs: 60_000, maxTokens: 1e9, maxCostUsd: 0.05 },
      })
      .send('spend');
    expect(report.stopReason).toBe('cost-budget');
    expect(report.steps).toBe(3);
    expect(report.answer).toBe(
      "Stopped: the cost budget of $0.05 for this message ran out (the model's price is unknown: its 21,000 tokens were counted at $3 per million).",
    );
  });

  it('still stops at the token budget when the server reports no usage', async () => {
    h.fake.replyWith(({ index }) => h.fake.withUsage('none', h.fake.code(`${index}`)));
    const report = await h
      .session({ limits: { maxSteps: 50, wallMs: 60_000, maxTokens: 8000, maxCostUsd: 5 } })
      .send('spend');
    expect(report.stopReason).toBe('token-budget');
    expect(report.steps).toBeLessThan(50);
    expect(report.usage.estimatedTokens).toBe(report.usage.inputTokens + report.usage.outputTokens);
  });
});

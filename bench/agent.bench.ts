/**
 * Agent overhead per step with a model that answers at once (the fake Messages API on loopback):
 * prompt assembly, the model round trip over HTTP + SSE, the sandbox run, observation formatting
 * and event delivery. The model-only round trip is measured in the same run, so the harness's own
 * share (step minus model) is visible.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CODE_TOOL } from '../src/agent/system-prompt.ts';
import { createTaskSession } from '../src/agent/task-session.ts';
import { createAnthropicModel } from '../src/model/create-anthropic-model.ts';
import { createToolHub } from '../src/tools/create-tool-hub.ts';
import { createFakeAnthropic } from '../test/helpers/fake-anthropic.ts';
import { type BenchRow, measure, round, summarize } from './measure.ts';

const STEPS = 5;

export default async function agentBench(): Promise<BenchRow[]> {
  const fake = await createFakeAnthropic({ apiKey: 'bench-key' });
  const hub = await createToolHub({ workspace: { maxFileBytes: 1 << 20 } });
  const workspaceDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-bench-'));
  const model = createAnthropicModel({ apiKey: 'bench-key', baseUrl: fake.url });
  try {
    // The model writes a little data-processing code for STEPS - 1 steps, then answers.
    fake.replyWith(({ body }) => {
      const results = body.messages.filter((m) => m.role === 'user').length;
      const stepInTurn = results % STEPS;
      return stepInTurn === 0
        ? fake.text('Done: the totals are computed.')
        : fake.code(
            `const rows${stepInTurn} = Array.from({ length: 200 }, (_, i) => ({ region: ['N', 'S', 'E'][i % 3], v: i }));\n` +
              `const t = {}; for (const r of rows${stepInTurn}) t[r.region] = (t[r.region] ?? 0) + r.v;\nconsole.log(t); t`,
          );
    });
    const perStep: number[] = [];
    let events = 0;
    for (let i = 0; i < 40; i++) {
      const session = createTaskSession({
        id: `bench-${i}`,
        model,
        tools: hub,
        scope: { scope: 'local', author: 'bench' },
        workspaceDir,
        limits: { maxSteps: STEPS + 1, wallMs: 60_000, maxTokens: 1e9, maxCostUsd: 1e6 },
      });
      const start = process.hrtime.bigint();
      const report = await session.send('sum v by region', { onEvent: () => events++ });
      const us = Number(process.hrtime.bigint() - start) / 1000;
      if (i >= 5) perStep.push(us / report.steps);
      session.dispose();
    }
    const step = summarize(perStep);
    const modelOnly = await measure(
      'model round trip alone (fake on loopback, streamed)',
      () =>
        model.complete({
          system: 'bench',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
          tools: [CODE_TOOL],
        }),
      { runs: 200, warmup: 20 },
    );
    fake.replyWith(() => fake.text('ok'));
    return [
      {
        name: 'agent step, total (model + sandbox + harness)',
        medianUs: step.medianUs,
        p99Us: step.p99Us,
        runs: perStep.length,
        note: `target <= 10 ms median; ${events} events delivered`,
      },
      modelOnly,
      {
        name: 'harness share of a step (step - model)',
        medianUs: round(step.medianUs - modelOnly.medianUs),
        runs: perStep.length,
        note: `${round(((step.medianUs - modelOnly.medianUs) / 1000 / 2000) * 100, 3)}% of a 2 s real model step`,
      },
    ];
  } finally {
    await hub.close();
    await fake.close();
    await rm(workspaceDir, { recursive: true, force: true });
  }
}

/**
 * What an agent step and a message cost besides the model, each timed round robin with its baseline
 * (bench/measure.ts): per round a ratio or difference of medians, reported as the median over the
 * rounds and their range.
 * - The agent step over the real model client against the fake Messages API on loopback, against the
 *   model round trip alone: the harness's share of a step (prompt, sandbox run, observation, events).
 * - A message through the task service as the bot runs it (createApp: the store, the real skill
 *   library with the seed skills, the session opened, the skills retrieved, the transcript saved, the
 *   audit rows and the report written) against the bare agent on the same model, tool hub and limits;
 *   and the service without a skill library, so the store's share and retrieval's share are apart.
 *   The model answers at once from memory, so what is left is the per-message overhead. Learning is
 *   off (distilling is a model call of its own, after the answer).
 * Each comparison runs on the wall clock (what a member waits), then in the process's CPU time, which
 * holds steady on a machine other processes load (the wall-clock rounds then spread widely).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CODE_TOOL } from '../src/agent/system-prompt.ts';
import { createTaskSession } from '../src/agent/task-session.ts';
import { type App, createApp } from '../src/app/create-app.ts';
import { loadConfig } from '../src/config.ts';
import { createAnthropicModel } from '../src/model/create-anthropic-model.ts';
import type { Model, ModelRequest, ModelResponse } from '../src/model/types.ts';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import type { Actor } from '../src/service/types.ts';
import { createFakeAnthropic } from '../test/helpers/fake-anthropic.ts';
import {
  type BenchRow,
  deltaOverRounds,
  formatDelta,
  formatRatio,
  ratioOverRounds,
  roundRobin,
  rowOf,
} from './measure.ts';

/** Model turns per message: STEPS - 1 code steps, then the answer. */
const STEPS = 5;
const TASK = 'sum the amounts in a CSV of sales by region';

/** The code of step `n` of a message: a little data processing, as a real step does. */
const stepCode = (n: number) =>
  `const rows${n} = Array.from({ length: 200 }, (_, i) => ({ region: ['N', 'S', 'E'][i % 3], v: i }));\n` +
  `const t${n} = {}; for (const r of rows${n}) t${n}[r.region] = (t${n}[r.region] ?? 0) + r.v;\nconsole.log(t${n}); t${n}`;

/** Model turns since the last user text (the message's steps so far), in either message format. */
function stepsInTurn(messages: readonly { role: string; content: unknown }[]): number {
  let steps = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const { role, content } = messages[i] ?? { role: '', content: [] };
    const hasText =
      typeof content === 'string' ||
      (Array.isArray(content) && content.some((block: { type?: unknown }) => block.type === 'text'));
    if (role === 'user' && hasText) break;
    if (role === 'assistant') steps++;
  }
  return steps;
}

/** A model that answers at once from memory: STEPS - 1 code steps, then the answer. */
function memoryModel(): Model {
  let id = 0;
  return {
    modelId: 'claude-sonnet-4-6',
    async complete(request: ModelRequest): Promise<ModelResponse> {
      const step = stepsInTurn(request.messages);
      const usage = { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 0, cacheReadTokens: 0 };
      const content: ModelResponse['content'] =
        step < STEPS - 1
          ? [{ type: 'tool_use', id: `toolu_${++id}`, name: 'run_code', input: { code: stepCode(step) } }]
          : [{ type: 'text', text: 'Done: N 6567, S 6633, E 6700.' }];
      return {
        content,
        stopReason: step < STEPS - 1 ? 'tool_use' : 'end_turn',
        usage,
        model: 'claude-sonnet-4-6',
        costUsd: 0.0045,
      };
    },
  };
}

const MEMBER: Actor = {
  userId: 'bench-user',
  guildId: 'bench-guild',
  channelId: 'bench-channel',
  roleIds: [],
  isGuildAdmin: false,
};

async function openApp(dataDir: string, model: Model, skills: boolean): Promise<App> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'bench-key',
    MCP_CONFIG: path.join(dataDir, 'no-mcp.json'),
    SKILLS_LEARN: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUDIT_RETENTION_DAYS: '90',
  });
  return createApp(config, { model, ...(skills ? {} : { skills: false as const }) });
}

/** One message as a new task through the service, as /task does; checks it answered. */
async function viaService(app: App, id: string): Promise<void> {
  const { done } = await app.service.start(
    { id, actor: MEMBER, title: TASK, frontEnd: 'discord', channelId: id },
    { text: TASK },
    { onEvent: () => {} },
  );
  const outcome = await done;
  if (outcome.status !== 'done' || !outcome.report.ok || outcome.report.steps !== STEPS)
    throw new Error(`the service's message did not answer: ${JSON.stringify(outcome).slice(0, 300)}`);
}

/** Rows of the per-message comparison: the bare agent, then the service without and with skills. */
function perMessageRows(samples: number[][][], clock: 'wall' | 'cpu', seeds: number): BenchRow[] {
  const [bare = [], store = [], skills = []] = samples;
  const storeDelta = deltaOverRounds(bare, store);
  const fullDelta = deltaOverRounds(bare, skills);
  const retrievalDelta = deltaOverRounds(store, skills);
  const on = clock === 'cpu' ? ', CPU time' : '';
  return [
    rowOf(`message of ${STEPS} steps, bare agent (model from memory${on}; baseline)`, bare),
    {
      ...rowOf(`the same through the task service, no skill library (store writes${on})`, store),
      ratio: ratioOverRounds(bare, store),
      deltaUs: storeDelta,
      note: `store's share ${formatDelta(storeDelta)} per message; ${formatRatio(ratioOverRounds(bare, store))} the bare agent`,
    },
    {
      ...rowOf(`the same through the task service with the skill library (${seeds} seeds${on})`, skills),
      ratio: ratioOverRounds(bare, skills),
      deltaUs: fullDelta,
      note: `per-message overhead ${formatDelta(fullDelta)}; of it retrieval ${formatDelta(retrievalDelta)}`,
    },
  ];
}

export default async function agentBench(): Promise<BenchRow[]> {
  const dirs = await Promise.all(
    ['bare', 'store', 'full'].map((name) => mkdtemp(path.join(tmpdir(), `toolsmith-agent-bench-${name}-`))),
  );
  const [bareDir = '', storeDir = '', fullDir = ''] = dirs;
  const model = memoryModel();
  const fake = await createFakeAnthropic({ apiKey: 'bench-key' });
  const apps: App[] = [];
  try {
    const withStore = await openApp(storeDir, model, false);
    apps.push(withStore);
    const full = await openApp(fullDir, model, true);
    apps.push(full);
    const seeds = full.skillLibrary?.list(['global']).length ?? 0;
    if (seeds === 0) throw new Error('the skill library has no seed skills');
    const { config, hub } = full;

    // The bare agent: the same model, tool hub and limits; no store, no skill library, no service.
    let n = 0;
    const bareMessage = async (stepModel: Model) => {
      const session = createTaskSession({
        id: `bare-${n++}`,
        model: stepModel,
        tools: hub,
        scope: { scope: 'bench-guild', author: 'bench-user' },
        workspaceDir: bareDir,
        createSandbox,
        limits: config.agent,
        sandboxLimits: config.sandbox,
        frontEnd: 'Discord',
      });
      try {
        const report = await session.send(TASK, { onEvent: () => {} });
        if (!report.ok || report.steps !== STEPS)
          throw new Error(`the bare agent did not answer: ${report.answer}`);
      } finally {
        session.dispose();
      }
    };

    // 1. Per message: bare agent, + service and store, + the skill library (retrieval), round robin;
    // on the wall clock, then in CPU time (which the other processes on the machine do not inflate).
    const contenders = [
      () => bareMessage(model),
      () => viaService(withStore, `store-${n++}`),
      () => viaService(full, `full-${n++}`),
    ];
    const rows: BenchRow[] = [];
    for (const clock of ['wall', 'cpu'] as const) {
      const samples = await roundRobin(contenders, { rounds: 8, perRound: 12, warmup: 3, clock });
      rows.push(...perMessageRows(samples, clock, seeds));
    }

    // 2. Per step over HTTP: the bare agent on the fake Messages API, against the model round trip alone.
    fake.replyWith(({ body }) => {
      const step = stepsInTurn(body.messages);
      return step < STEPS - 1 ? fake.code(stepCode(step)) : fake.text('Done: N 6567, S 6633, E 6700.');
    });
    const http = createAnthropicModel({ apiKey: 'bench-key', baseUrl: fake.url });
    const alone: ModelRequest = {
      system: 'bench',
      messages: [{ role: 'user', content: [{ type: 'text', text: TASK }] }],
      tools: [CODE_TOOL],
    };
    for (const clock of ['wall', 'cpu'] as const) {
      const [roundTrip = [], message = []] = await roundRobin(
        [() => http.complete({ ...alone, messages: [...alone.messages] }), () => bareMessage(http)],
        { rounds: 6, perRound: 10, warmup: 3, clock },
      );
      const step = message.map((samples) => samples.map((us) => us / STEPS));
      const harness = deltaOverRounds(roundTrip, step);
      const on = clock === 'cpu' ? ', CPU time' : '';
      rows.push(
        rowOf(`model round trip alone (fake Messages API on loopback, streamed${on}; baseline)`, roundTrip),
        {
          ...rowOf(`agent step over the same (model + sandbox + harness), per step${on}`, step),
          ratio: ratioOverRounds(roundTrip, step),
          deltaUs: harness,
          note: `harness's share ${formatDelta(harness)} per step${clock === 'wall' ? '; target step <= 10 ms median' : ''}`,
        },
      );
    }
    return rows;
  } finally {
    for (const app of apps) await app.close();
    await fake.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

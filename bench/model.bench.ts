/**
 * Model client costs: the pure parts (pricing, request mapping, event folding) and whole turns
 * through the real SDK against the fake Messages API on loopback (no network). The quirks of
 * Anthropic-compatible servers (no usage, no caching, fenced actions) are each timed round robin
 * with their baseline in rounds (bench/measure.ts): the ratio is the median of the per-round ratios,
 * with their range.
 */
import { extractFencedCode } from '../src/agent/fenced-code.ts';
import { createAnthropicModel } from '../src/model/create-anthropic-model.ts';
import { costOf } from '../src/model/pricing.ts';
import { readMessageStream } from '../src/model/read-message-stream.ts';
import { toAnthropicParams } from '../src/model/to-anthropic-params.ts';
import type { Message, ModelRequest } from '../src/model/types.ts';
import { withoutCacheControl } from '../src/model/without-cache-control.ts';
import { createFakeAnthropic } from '../test/helpers/fake-anthropic.ts';
import { type BenchRow, compare, measure, type RoundRobinOptions } from './measure.ts';

const KEY = 'sk-ant-bench-0123456789';
const RUN_CODE = {
  name: 'run_code',
  description: 'Run JavaScript',
  inputSchema: { type: 'object', properties: { code: { type: 'string' } } },
};
const CODE = `const rows = (await tools.workspace.read({ path: 'data.csv' })).split('\\n');\n`.repeat(25);

function conversation(steps: number): Message[] {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'Sum data.csv' }] }];
  for (let i = 0; i < steps; i++) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `t${i}`, name: 'run_code', input: { code: CODE } }],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', toolUseId: `t${i}`, content: 'x'.repeat(2000) }],
    });
  }
  return messages;
}

function streamEvents(deltas: number): unknown[] {
  const events: unknown[] = [
    {
      type: 'message_start',
      message: { model: 'claude-sonnet-4-6', usage: { input_tokens: 10, output_tokens: 1 } },
    },
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 't', name: 'run_code', input: {} },
    },
  ];
  const json = JSON.stringify({ code: 'x'.repeat(deltas * 12) });
  for (let i = 0; i < json.length; i += 12) {
    events.push({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: json.slice(i, i + 12) },
    });
  }
  events.push({ type: 'content_block_stop', index: 0 });
  events.push({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 500 } });
  events.push({ type: 'message_stop' });
  return events;
}

async function* iterate(items: unknown[]): AsyncGenerator<unknown> {
  yield* items;
}

/** A baseline and its variant timed round robin in rounds; the variant's row gives its ratio over the rounds. */
function pair(
  names: [string, string],
  options: RoundRobinOptions,
  base: () => unknown,
  variant: () => unknown,
): Promise<BenchRow[]> {
  return compare({ name: names[0], fn: base }, [{ name: names[1], fn: variant }], options);
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const usage = { inputTokens: 1000, outputTokens: 500, cacheWriteTokens: 2000, cacheReadTokens: 10_000 };
  rows.push(
    await measure('costOf (model id parse + price)', () => costOf('claude-opus-4-5-20251101', usage), {
      runs: 2000,
    }),
  );

  const request: ModelRequest = {
    system: 'S'.repeat(8000),
    systemDynamic: 'skills',
    messages: conversation(12),
    tools: [RUN_CODE],
  };
  rows.push(
    await measure(
      'toAnthropicParams, 12-step conversation',
      () => toAnthropicParams(request, { model: 'm', maxTokens: 1000 }),
      {
        runs: 1000,
      },
    ),
  );

  rows.push(
    ...(await pair(
      [
        'toAnthropicParams, 12-step conversation (baseline)',
        'the same + withoutCacheControl (a server without prompt caching)',
      ],
      { rounds: 10, perRound: 100, warmup: 100 },
      () => toAnthropicParams(request, { model: 'm', maxTokens: 1000 }),
      () => withoutCacheControl(toAnthropicParams(request, { model: 'm', maxTokens: 1000 })),
    )),
  );

  const events = streamEvents(1000);
  rows.push(
    await measure(
      'readMessageStream, 1000 json deltas (zod-checked)',
      () => readMessageStream(iterate(events), () => {}),
      {
        runs: 200,
        note: `${events.length} events`,
      },
    ),
  );

  // Fenced actions: finding the js blocks of a 20 KB reply, against splitting it into lines.
  const reply = `Let me look.\n\`\`\`js\n${CODE.repeat(8)}\`\`\`\n${'prose '.repeat(800)}\n\`\`\`text\nshown\n\`\`\``;
  rows.push(
    ...(await pair(
      ['split a 20 KB reply into lines (baseline)', 'extractFencedCode: the js blocks of the same reply'],
      { rounds: 10, perRound: 200, warmup: 100 },
      () => reply.split(/\r?\n/),
      () => extractFencedCode(reply),
    )),
  );

  const fake = await createFakeAnthropic({ apiKey: KEY });
  try {
    const model = createAnthropicModel({ apiKey: KEY, baseUrl: fake.url, model: 'claude-sonnet-4-6' });
    const small: ModelRequest = {
      system: 'You are Toolsmith.',
      messages: conversation(0),
      tools: [RUN_CODE],
    };
    fake.replyWith(() => fake.text('The answer is 3'));
    rows.push(
      await measure('complete: short text turn, loopback', () => model.complete(small), {
        runs: 200,
        warmup: 20,
      }),
    );

    fake.replyWith(() => fake.code(CODE, { text: 'Reading the file.' }));
    rows.push(
      await measure('complete: 2 KB code tool_use in 12-char deltas', () => model.complete(small), {
        runs: 100,
        warmup: 10,
        note: `${Math.ceil(JSON.stringify({ code: CODE }).length / 12)} deltas`,
      }),
    );

    fake.replyWith(() => fake.text('word '.repeat(4000), { chunkSize: 12 }));
    let deltas = 0;
    rows.push(
      await measure(
        'complete: 20 KB streamed text, onEvent per delta',
        () => model.complete(small, { onEvent: () => void deltas++ }),
        { runs: 30, warmup: 3, note: '1667 text deltas' },
      ),
    );

    fake.replyWith(() => fake.text('ok'));
    rows.push(
      await measure('complete: 12-step conversation request (~55 KB body)', () => model.complete(request), {
        runs: 100,
        warmup: 10,
      }),
    );

    // Quirks of Anthropic-compatible servers, each against its baseline in the same run.
    const uncached = createAnthropicModel({
      apiKey: KEY,
      baseUrl: fake.url,
      model: 'claude-sonnet-4-6',
      promptCaching: false,
    });
    rows.push(
      ...(await pair(
        [
          'complete: 12-step conversation, prompt caching (baseline)',
          'complete: the same, promptCaching: false (cache_control stripped)',
        ],
        { rounds: 8, perRound: 20, warmup: 10 },
        () => model.complete(request),
        () => uncached.complete(request),
      )),
    );
    let usageReport: 'all' | 'none' = 'all';
    fake.replyWith(() => fake.withUsage(usageReport, fake.text('The answer is 3')));
    rows.push(
      ...(await pair(
        [
          'complete: 12-step conversation, server reports usage (baseline)',
          'complete: the same, server reports no usage (estimated from the request)',
        ],
        { rounds: 8, perRound: 20, warmup: 10 },
        () => {
          usageReport = 'all';
          return model.complete(request);
        },
        () => {
          usageReport = 'none';
          return model.complete(request);
        },
      )),
    );
  } finally {
    await fake.close();
  }
  return rows;
}

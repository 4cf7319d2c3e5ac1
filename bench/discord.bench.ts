/**
 * The Discord bot under load, with the fakes on loopback (the real discord.js client, model client,
 * tool hub and isolated-vm sandboxes): 20 tasks run at once, each several model steps of 200-500 ms
 * with real sandbox code, while more /task commands arrive. Measured: the time from the dispatch of a
 * slash command to the deferred acknowledgement the fake Discord recorded (target p99 < 500 ms), and
 * the event-loop delay while the 20 tasks run (target p99 < 50 ms). The fakes share the process, so
 * their own work counts against the bot here.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createBotHarness } from '../test/discord/bot-harness.ts';
import type { MessagesBody } from '../test/helpers/fake-anthropic.ts';
import type { InteractionRecord } from '../test/helpers/fake-discord/index.ts';
import { type BenchRow, round, summarize } from './measure.ts';

const LOAD_TASKS = 20;
const STEPS_PER_TASK = 10;
const PROBES = 40;
const PROBE_SPACING_MS = 40;
/** monitorEventLoopDelay samples are the time between its timer's runs: the delay is what exceeds this. */
const RESOLUTION_MS = 10;

/** Model turns so far in the conversation (each task here is one message). */
function stepsSoFar(body: MessagesBody): number {
  return body.messages.filter((message) => message.role === 'assistant').length;
}

function firstUserText(body: MessagesBody): string {
  const first = body.messages[0]?.content;
  if (typeof first === 'string') return first;
  const block = first?.find((b) => b.type === 'text');
  return block && typeof block.text === 'string' ? block.text : '';
}

const delay = () => 200 + Math.floor(Math.random() * 300);

export default async function (): Promise<BenchRow[]> {
  const h = await createBotHarness({
    env: {
      MAX_CONCURRENT_TASKS: String(LOAD_TASKS),
      RATE_LIMIT_PER_MINUTE: '1000',
      PROGRESS_EDIT_MS: '1500',
      AGENT_MAX_STEPS: '12',
    },
  });
  try {
    let loadAnswered = 0;
    h.anthropic.replyWith((request) => {
      const steps = stepsSoFar(request.body);
      // Probes answer at once (they measure the acknowledgement, not the work).
      if (firstUserText(request.body).startsWith('probe')) return h.anthropic.text('ok', { delayMs: 50 });
      if (steps < STEPS_PER_TASK - 1) {
        return h.anthropic.code(
          `const rows${steps} = Array.from({ length: 5000 }, (_, i) => ({ i, v: (i * ${steps + 1}) % 97 }));\n` +
            `const sum${steps} = rows${steps}.reduce((a, r) => a + r.v, 0);\n` +
            `console.log('step ${steps}', sum${steps});\nsum${steps}`,
          { delayMs: delay() },
        );
      }
      loadAnswered++;
      return h.anthropic.text(`Done after ${steps} steps.`, { delayMs: delay() });
    });

    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    const loadStarted = Date.now();
    histogram.enable();
    const load: InteractionRecord[] = [];
    for (let i = 0; i < LOAD_TASKS; i++) {
      load.push(
        await h.discord.slashCommand({
          name: 'task',
          user: i % 2 ? 'bob' : 'alice',
          options: { prompt: `load ${i}` },
        }),
      );
    }
    await h.discord.waitFor(
      () => h.app.service.status().running >= LOAD_TASKS,
      30_000,
      `${LOAD_TASKS} tasks running`,
    );

    const probes: InteractionRecord[] = [];
    let fewestRunning = LOAD_TASKS;
    for (let i = 0; i < PROBES; i++) {
      fewestRunning = Math.min(fewestRunning, h.app.service.status().running);
      probes.push(
        await h.discord.slashCommand({ name: 'task', user: 'bob', options: { prompt: `probe ${i}` } }),
      );
      await new Promise((resolve) => setTimeout(resolve, PROBE_SPACING_MS));
    }
    // (cheap predicates only: the polling shares the event loop being measured)
    await h.discord.waitFor(() => loadAnswered >= LOAD_TASKS, 120_000, 'the load tasks to answer');
    histogram.disable();
    const loadMs = Date.now() - loadStarted;
    // Every load task really answered as scripted (polled after the measurement: it is not cheap).
    const answer = `Done after ${STEPS_PER_TASK - 1} steps.`;
    await h.discord.waitFor(
      () =>
        h.discord
          .threads()
          .filter((t) => t.name.startsWith('load'))
          .every((t) => h.discord.messagesIn(t.id).some((m) => m.content === answer)),
      60_000,
      'every load task to post its answer',
    );
    await h.discord.waitFor(() => h.app.service.status().running === 0, 60_000, 'all tasks to end');

    const ackMs = (records: InteractionRecord[]) =>
      records.map((record) => {
        const callback = h.discord.interaction(record).callbacks.find((c) => c.accepted);
        if (!callback) throw new Error(`interaction ${record.id} was never acknowledged`);
        return callback.ackMs;
      });
    const probeAcks = summarize(ackMs(probes).map((ms) => ms * 1000));
    const loadAcks = summarize(ackMs(load).map((ms) => ms * 1000));
    const delayUs = (ns: number) => round(Math.max(0, ns / 1000 - RESOLUTION_MS * 1000));
    if (h.errors.length > 0) throw new Error(`the bot reported errors: ${h.errors.slice(0, 3).join('; ')}`);

    return [
      {
        name: `discord: /task ack while ${LOAD_TASKS} tasks run`,
        ...probeAcks,
        runs: PROBES,
        note: `dispatch -> deferred as the fake recorded it (1 ms steps); at least ${fewestRunning} tasks running at every probe; target p99 < 500 ms`,
      },
      {
        name: `discord: /task ack of the ${LOAD_TASKS} load tasks`,
        ...loadAcks,
        runs: LOAD_TASKS,
        note: 'sent back to back as the load ramps up',
      },
      {
        name: `discord: event-loop delay, ${LOAD_TASKS} tasks`,
        medianUs: delayUs(histogram.percentile(50)),
        p99Us: delayUs(histogram.percentile(99)),
        runs: histogram.count,
        note: `max ${round(delayUs(histogram.max) / 1000)} ms over ${(loadMs / 1000).toFixed(1)} s, ${STEPS_PER_TASK} steps of 200-500 ms per task, probes included; target p99 < 50 ms`,
      },
    ];
  } finally {
    await h.close();
  }
}

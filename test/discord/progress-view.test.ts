import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/events.ts';
import type { TaskReport } from '../../src/agent/types.ts';
import {
  applyEvent,
  initialProgress,
  type ProgressState,
  renderProgress,
} from '../../src/discord/progress-view.ts';
import type { RunResult } from '../../src/sandbox/types.ts';

const T0 = 1_700_000_000_000;
const result: RunResult = { ok: true, logs: [], durationMs: 1 };
const usage = { inputTokens: 100, outputTokens: 20, cacheWriteTokens: 0, cacheReadTokens: 0 };
const report = (overrides: Partial<TaskReport> = {}): TaskReport => ({
  ok: true,
  answer: 'done',
  task: 't',
  steps: 1,
  usage,
  costUsd: 0,
  durationMs: 1,
  runs: [],
  resultCode: '',
  files: [],
  skillsOffered: [],
  skillsUsed: [],
  ...overrides,
});

const fold = (events: AgentEvent[], start = initialProgress(T0, 12)): ProgressState =>
  events.reduce(applyEvent, start);

describe('progress view', () => {
  it('shows step n of max, what the agent does, the code, tool calls, the output, elapsed time and cost', () => {
    const state = fold([
      { type: 'step', step: 2, maxSteps: 12 },
      { type: 'usage', step: 2, usage, costUsd: 0.0123 },
      {
        type: 'code',
        step: 2,
        code: "const { text } = await tools.workspace.readText({ path: 'a.csv' });\ntext.length",
      },
      {
        type: 'tool-call',
        step: 2,
        call: { phase: 'start', callId: '1', server: 'workspace', tool: 'readText', argsChars: 10 },
      },
    ]);
    let text = renderProgress(state, T0 + 7_400);
    expect(text).toContain('⚙️ **Working** · step 2/12 · 7 s · $0.012');
    expect(text).toContain('> calling workspace.readText');
    expect(text).toContain(
      "```js\nconst { text } = await tools.workspace.readText({ path: 'a.csv' });\ntext.length\n```",
    );
    expect(text).toContain('Tools: workspace.readText …');

    const after = fold(
      [
        {
          type: 'tool-call',
          step: 2,
          call: { phase: 'end', callId: '1', server: 'workspace', tool: 'readText', argsChars: 10, ok: true },
        },
        { type: 'observation', step: 2, ok: true, text: '1234', result },
      ],
      state,
    );
    text = renderProgress(after, T0 + 9_000);
    expect(text).toContain('Tools: workspace.readText ✓');
    expect(text).toContain('> reading the result');
    expect(text).toContain('Output:\n```\n1234\n```');
  });

  it('shows an error as an error, and a failed tool call', () => {
    const state = fold([
      { type: 'step', step: 1, maxSteps: 3 },
      { type: 'code', step: 1, code: 'await tools.web.fetch({ url })' },
      {
        type: 'tool-call',
        step: 1,
        call: { phase: 'start', callId: '1', server: 'web', tool: 'fetch', argsChars: 5 },
      },
      {
        type: 'tool-call',
        step: 1,
        call: {
          phase: 'end',
          callId: '1',
          server: 'web',
          tool: 'fetch',
          argsChars: 5,
          ok: false,
          error: 'blocked',
        },
      },
      {
        type: 'observation',
        step: 1,
        ok: false,
        text: 'ReferenceError: url is not defined',
        result: { ...result, ok: false },
      },
    ]);
    const text = renderProgress(state, T0);
    expect(text).toContain('Tools: web.fetch ✗');
    expect(text).toContain('Error:\n```\nReferenceError: url is not defined\n```');
  });

  it('ends as done, stopped or failed', () => {
    const base = fold([{ type: 'step', step: 1, maxSteps: 12 }]);
    expect(renderProgress(applyEvent(base, { type: 'answer', text: 'x', report: report() }), T0)).toMatch(
      /^✅ \*\*Done\*\*/,
    );
    const stopped = applyEvent(base, {
      type: 'failure',
      reason: 'aborted',
      message: 'Stopped: the task was cancelled.',
      report: report({ ok: false, stopReason: 'aborted' }),
    });
    expect(renderProgress(stopped, T0)).toMatch(/^⏹️ \*\*Stopped\*\*.*\n> Stopped: the task was cancelled\./);
    const failed = applyEvent(base, {
      type: 'failure',
      reason: 'max-steps',
      message: 'Stopped after 12 steps without an answer (the step limit).',
      report: report({ ok: false, stopReason: 'max-steps' }),
    });
    expect(renderProgress(failed, T0)).toMatch(/^❌ \*\*Failed\*\*.*\n> Stopped after 12 steps/);
    expect(
      renderProgress(applyEvent(base, { type: 'retry', attempt: 1, delayMs: 2500, reason: '529' }), T0),
    ).toContain('retrying in 3 s');
  });

  it('shows the queue position while queued', () => {
    const state: ProgressState = { ...initialProgress(T0, 12), status: 'queued', queuePosition: 2 };
    expect(renderProgress(state, T0)).toBe('⏳ Queued, position 2. The task starts when a slot frees up.');
  });

  it('stays under 2000 characters with huge code and output, and cannot break out of its code blocks', () => {
    const code = Array.from(
      { length: 400 },
      (_, i) => `console.log(${i}, "${'x'.repeat(50)}") // \`\`\` fence`,
    ).join('\n');
    const output = `\`\`\`\n${'y'.repeat(10_000)}\n${'z\n'.repeat(500)}`;
    const state = fold([
      { type: 'step', step: 4, maxSteps: 12 },
      { type: 'code', step: 4, code },
      ...Array.from(
        { length: 20 },
        (_, i): AgentEvent => ({
          type: 'tool-call',
          step: 4,
          call: {
            phase: 'start',
            callId: String(i),
            server: `server-${'s'.repeat(58)}`,
            tool: `tool${i}-${'t'.repeat(58)}`,
            argsChars: 1,
          },
        }),
      ),
      { type: 'observation', step: 4, ok: true, text: output, result },
    ]);
    const text = renderProgress(state, T0 + 1000);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(state.tools).toHaveLength(6);
    expect(text).toContain('…\n```');
    expect(text).toContain('Output:');
    // only the view's own fences, all closed: user text cannot break out of them
    expect(text.split('\n').filter((line) => line.includes('```')).length).toBe(4);
    expect(text.trimEnd().endsWith('```')).toBe(true);
  });
});

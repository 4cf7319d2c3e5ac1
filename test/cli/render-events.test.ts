/**
 * The terminal renderer on a recorded screen: each event once and in its place (the bugs of issue
 * 14: the answer twice, failures twice, skill notes glued to the text, "learned nothing" noise, the
 * error without its line), the status line's content, and Markdown only on a TTY.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TaskReport } from '../../src/agent/types.ts';
import { renderMarkdown } from '../../src/cli/markdown.ts';
import { createPaint } from '../../src/cli/print.ts';
import { createTerminalRenderer } from '../../src/cli/render-events.ts';
import { createScreen } from '../../src/cli/screen.ts';
import type { TaskEvent } from '../../src/service/types.ts';

const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 };

function report(over: Partial<TaskReport> = {}): TaskReport {
  return {
    ok: true,
    answer: 'The total is 42.',
    task: 'sum',
    stopReason: 'answered',
    steps: 2,
    usage,
    costUsd: 0.0012,
    durationMs: 1500,
    runs: [],
    resultCode: '',
    files: [],
    skillsOffered: [],
    skillsUsed: [],
    ...over,
  };
}

function setup(options: { tty?: boolean; debug?: boolean; maxLiveLines?: number } = {}) {
  let out = '';
  const stream = { write: (text: string) => (out += text), isTTY: options.tty ?? false, columns: 80 };
  const screen = createScreen({ stream, frameMs: 10_000 });
  let statusText: (() => string) | undefined;
  const status = screen.status.bind(screen);
  screen.status = (text) => {
    statusText = text;
    status(text);
  };
  const renderer = createTerminalRenderer({
    screen,
    paint: createPaint(() => options.tty ?? false),
    debug: options.debug ?? false,
    ...(options.maxLiveLines ? { maxLiveLines: options.maxLiveLines } : {}),
  });
  const send = (...events: TaskEvent[]) => {
    for (const event of events) renderer.onEvent(event);
  };
  return { renderer, send, out: () => out, status: () => statusText?.() ?? '', screen };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the terminal renderer', () => {
  it('prints the answer once, not as a dimmed note, and the summary after it', () => {
    const { renderer, send, out } = setup();
    send(
      { type: 'step', step: 1, maxSteps: 12 },
      { type: 'text-delta', step: 1, text: 'The total ' },
      { type: 'text-delta', step: 1, text: 'is 42.' },
      { type: 'answer', text: 'The total is 42.', report: report() },
    );
    renderer.summary(report());
    expect(count(out(), 'The total is 42.')).toBe(1);
    expect(out()).toBe(
      '── step 1/12 ──\nThe total is 42.\n✓ answered · 2 steps · 1.5 s · 120 tokens · $0.0012\n',
    );
  });

  it('shows text before code as working notes, then the code, output and the error with its line and caret', () => {
    const { send, out } = setup();
    const code = 'const rows = null;\nrows.length';
    send(
      { type: 'step', step: 1, maxSteps: 12 },
      { type: 'text-delta', step: 1, text: 'Let me look.' },
      { type: 'code', step: 1, code },
      { type: 'log', step: 1, entry: { level: 'log', text: 'reading' } },
      {
        type: 'observation',
        step: 1,
        ok: false,
        text: '',
        result: {
          ok: false,
          logs: [],
          durationMs: 3,
          error: {
            name: 'TypeError',
            message: "Cannot read properties of null (reading 'length')",
            line: 2,
            column: 6,
          },
        },
      },
    );
    expect(out()).toBe(
      [
        '── step 1/12 ──',
        'Let me look.',
        '  │ const rows = null;',
        '  │ rows.length',
        'reading',
        "TypeError: Cannot read properties of null (reading 'length')",
        '  at line 2, column 6:',
        '2 | rows.length',
        '         ^',
        '',
      ].join('\n'),
    );
  });

  it('prints a failure once', () => {
    const { send, out } = setup();
    const failed = report({ ok: false, stopReason: 'aborted', answer: 'Stopped: the task was cancelled.' });
    send(
      { type: 'step', step: 1, maxSteps: 12 },
      { type: 'failure', reason: 'aborted', message: failed.answer, report: failed },
    );
    expect(count(out(), 'Stopped: the task was cancelled.')).toBe(1);
  });

  it('puts a skill note on its own line, says a skill learned once, and hides "learned nothing" unless debugging', () => {
    const { renderer, send, out } = setup();
    send(
      { type: 'step', step: 2, maxSteps: 12 },
      { type: 'text-delta', step: 2, text: 'Saved it to the workspace.' },
    );
    send({ type: 'answer', text: 'Saved it to the workspace.', report: report() });
    renderer.note('skill sum-by-column added in scope local');
    send({ type: 'skill-learned', name: 'sum-by-column' });
    renderer.note('learned nothing from "sum": the code is trivial');
    expect(out()).toBe(
      '── step 2/12 ──\nSaved it to the workspace.\nlearned skill sum-by-column (scope local)\n',
    );
    const debug = setup({ debug: true });
    debug.renderer.note('learned nothing from "sum": the code is trivial');
    expect(debug.out()).toBe('learned nothing from "sum": the code is trivial\n');
    const unchanged = setup();
    unchanged.renderer.note('skill parse-csv unchanged in scope local');
    expect(unchanged.out()).toBe('skill parse-csv is already in the library, unchanged\n');
  });

  it('cuts live output with a marker, and says when the sandbox cut what the model sees', () => {
    const { send, out } = setup({ maxLiveLines: 3 });
    send({ type: 'code', step: 1, code: 'for (...) console.log(i)' });
    for (let i = 0; i < 10; i++) send({ type: 'log', step: 1, entry: { level: 'log', text: `line ${i}` } });
    send({
      type: 'observation',
      step: 1,
      ok: true,
      text: '',
      result: { ok: true, logs: [], durationMs: 1, truncated: true },
    });
    expect(out()).toContain('line 2\n  ⋯ 7 more lines of output not shown here\n');
    expect(out()).not.toContain('line 3');
    expect(out()).toContain('output cut to fit SANDBOX_MAX_OUTPUT_CHARS');
  });

  it('keeps a status line on a TTY with step, time, tokens, cost and the tool with its MCP progress', () => {
    const { send, status, out } = setup({ tty: true });
    send(
      { type: 'running' },
      { type: 'step', step: 1, maxSteps: 12 },
      { type: 'usage', step: 1, usage, costUsd: 0.0004 },
      { type: 'code', step: 1, code: 'await tools.everything.longRunningOperation({})' },
      {
        type: 'tool-call',
        step: 1,
        call: {
          phase: 'start',
          callId: 'c1',
          server: 'everything',
          tool: 'longRunningOperation',
          argsChars: 2,
        },
      },
      {
        type: 'tool-call',
        step: 1,
        call: {
          phase: 'progress',
          callId: 'c1',
          server: 'everything',
          tool: 'longRunningOperation',
          argsChars: 2,
          progress: { progress: 2, total: 5, message: 'working' },
        },
      },
    );
    expect(status()).toMatch(
      /^step 1\/12 · \d+\.\d s · 120 tokens · \$0\.0004 · everything\.longRunningOperation 2\/5 working$/,
    );
    expect(out()).toContain('⠋ step 1/12');
    const pipe = setup();
    pipe.send({ type: 'running' }, { type: 'step', step: 1, maxSteps: 12 });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no escape sequence on a pipe
    expect(pipe.out()).not.toMatch(/\x1b/);
  });
});

describe('Markdown answers', () => {
  const md =
    'The **total** is `42`.\n\n| Region | Revenue |\n|---|---:|\n| North | 1,200 |\n| South | 30 |\n\n```js\nconst x = 1;\n```';

  it('renders bold, code, tables and code blocks readably for a TTY', () => {
    const plain = renderMarkdown(md, { paint: createPaint(() => false), width: 80 });
    expect(plain).toBe(
      [
        'The total is 42.',
        '',
        'Region │ Revenue',
        '───────┼────────',
        'North  │   1,200',
        'South  │      30',
        '',
        '  js',
        '  │ const x = 1;',
      ].join('\n'),
    );
    const styled = renderMarkdown(md, { paint: createPaint(() => true), width: 80 });
    expect(styled).toContain('\x1b[1mtotal\x1b[22m');
  });

  it('leaves a table wider than the terminal as it came', () => {
    const wide = '| a | b |\n|---|---|\n| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | y |';
    expect(renderMarkdown(wide, { paint: createPaint(() => false), width: 20 })).toBe(wide);
  });
});

describe('the status line and a question', () => {
  it('stays hidden while a question is open (a frame would erase it), and comes back after', () => {
    vi.useFakeTimers();
    try {
      let out = '';
      const screen = createScreen({
        stream: { write: (text: string) => (out += text), isTTY: true },
        frameMs: 100,
      });
      screen.status(() => 'step 1/12 · running code');
      const resume = screen.pause();
      out = '';
      // What readline writes for the question, then ten frames' time.
      const question = 'allow tools.web.fetch? [y]es once, [a]ll this task, [N]o: ';
      out += question;
      vi.advanceTimersByTime(1000);
      screen.line('a line printed meanwhile');
      expect(out).toBe(`${question}a line printed meanwhile\n`);
      resume();
      resume();
      expect(out.endsWith('step 1/12 · running code\x1b[22m')).toBe(true);
      vi.advanceTimersByTime(100);
      expect(count(out, 'running code')).toBe(2);
      screen.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

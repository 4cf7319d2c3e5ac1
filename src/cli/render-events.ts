/**
 * The one terminal renderer of a task's events, for `toolsmith run` and `toolsmith chat`: every event
 * shown once, in its place. The model's text of a step is held until the step shows what it was:
 * working notes before code (dimmed), or the answer (printed once, Markdown rendered on a TTY, never
 * dimmed). On a TTY a status line shows the step, elapsed time, tokens, cost and the tool being called
 * with its progress; on a pipe there is none.
 */
import type { TaskReport } from '../agent/types.ts';
import { describeCost, totalTokens } from '../model/pricing.ts';
import type { Usage } from '../model/types.ts';
import { renderRunResult } from '../sandbox/render-result.ts';
import type { TaskEvent } from '../service/types.ts';
import { formatBytes, formatCount } from '../text/format-numbers.ts';
import { classifyLibraryNote, skillLine } from './library-notes.ts';
import { renderMarkdown } from './markdown.ts';
import type { Paint } from './print.ts';
import type { Screen } from './screen.ts';
import { createRenderState, type RenderState, seconds, setPhase, showToolCall } from './terminal-status.ts';

export interface TerminalRendererOptions {
  screen: Screen;
  paint: Paint;
  /** Print the answer (chat); `toolsmith run` prints it on stdout itself. Default true. */
  showAnswer?: boolean;
  /** Render Markdown answers (default: when the screen is a TTY). */
  markdown?: boolean;
  /** Show routine notes ("learned nothing from ...") too (LOG_LEVEL=debug). */
  debug?: boolean;
  /** Console lines shown live per code run before the rest is cut with a marker (default 200). */
  maxLiveLines?: number;
  now?: () => number;
}

export interface TerminalRenderer {
  /** One event of the task service (agent events and queued/running/file). */
  onEvent(event: TaskEvent): void;
  /** A note from the app (skill library, sessions released, ...), sorted by `classifyLibraryNote`. */
  note(text: string): void;
  /** The closing line of a message: outcome, steps, time, tokens and cost (and the files written). */
  summary(report: TaskReport, files?: string[]): void;
  /** Hide the status line (before a prompt, or at exit). */
  idle(): void;
}

const MAX_VALUE_LINES = 40;

/** A renderer that prints each event of a task once, in its place (see the module header). */
export function createTerminalRenderer(options: TerminalRendererOptions): TerminalRenderer {
  const state = createRenderState(options);
  const { screen, paint, skillsShown } = state;
  return {
    onEvent(event) {
      showProgress(state, event);
      showWork(state, event);
    },
    note(text) {
      const note = classifyLibraryNote(text);
      if (note.kind === 'skill') {
        if (skillsShown.has(note.name)) return;
        skillsShown.add(note.name);
        screen.line(note.outcome === 'unchanged' ? paint.dim(skillLine(note)) : paint.green(skillLine(note)));
      } else if (note.kind === 'note' || state.debug) screen.line(paint.dim(note.text));
    },
    summary(report, files = report.files) {
      const tokens = formatCount(totalTokens(report.usage));
      const how = report.ok
        ? paint.green('✓ answered')
        : paint.red(`✗ not answered (${report.stopReason ?? 'error'})`);
      const steps = `${report.steps} step${report.steps === 1 ? '' : 's'}`;
      screen.line(
        `${how} ${paint.dim(`· ${steps} · ${seconds(report.durationMs)} · ${tokens} tokens · ${describeCost(report.costUsd, report.usage)}`)}`,
      );
      if (files.length > 0) screen.line(`${paint.dim('files written:')} ${files.join(', ')}`);
      skillsShown.clear();
    },
    idle() {
      screen.status(undefined);
    },
  };
}

/** The events around the work: queue, start, files, steps, the model's text, retries and usage. */
function showProgress(state: RenderState, event: TaskEvent): void {
  const { paint } = state;
  const line = (text: string) => state.screen.line(text);
  switch (event.type) {
    case 'queued':
      line(paint.dim(`waiting for a free slot (position ${event.position})`));
      setPhase(state, `queued, position ${event.position}`);
      return;
    case 'running':
      state.startedAt = state.now();
      setPhase(state, 'starting');
      return;
    case 'file':
      line(
        event.outcome.ok
          ? paint.dim(`added ${event.outcome.name} (${formatBytes(event.outcome.bytes)})`)
          : paint.yellow(`not added: ${event.outcome.reason}`),
      );
      return;
    case 'task-started':
      state.step = 0;
      state.usage = undefined;
      state.costUsd = 0;
      state.startedAt = state.now();
      if (event.skillsOffered.length > 0)
        line(paint.dim(`skills offered: ${event.skillsOffered.join(', ')}`));
      setPhase(state, 'starting');
      return;
    case 'step':
      state.step = event.step;
      state.maxSteps = event.maxSteps;
      state.stepText = '';
      line(paint.cyan(`── step ${event.step}/${event.maxSteps} ──`));
      setPhase(state, 'waiting for the model');
      return;
    case 'text-delta':
      state.stepText += event.text;
      setPhase(state, `writing: ${state.stepText.trim().split('\n').at(-1) ?? ''}`);
      return;
    case 'retry':
      line(paint.yellow(`model busy (${event.reason}); retrying in ${Math.ceil(event.delayMs / 1000)} s`));
      return;
    case 'usage':
      state.usage = event.usage;
      state.costUsd = event.costUsd;
      state.screen.status(state.status);
      return;
  }
}

/** The work itself: code, its console, tool calls, observations, skills, the answer or the failure. */
function showWork(state: RenderState, event: TaskEvent): void {
  const { paint } = state;
  const line = (text: string) => state.screen.line(text);
  switch (event.type) {
    case 'code':
      flushNotes(state);
      state.lastCode = event.code;
      state.liveLines = 0;
      state.hiddenLines = 0;
      line(paint.dim(gutter(event.code, '  │ ')));
      setPhase(state, 'running code');
      return;
    case 'log':
      state.liveLines++;
      if (state.liveLines > state.maxLiveLines) {
        state.hiddenLines++;
        return;
      }
      line(
        event.entry.level === 'error' || event.entry.level === 'warn'
          ? paint.yellow(event.entry.text)
          : event.entry.text,
      );
      return;
    case 'tool-call':
      showToolCall(state, event.call);
      return;
    case 'observation':
      showObservation(state, event.result);
      setPhase(state, 'waiting for the model');
      return;
    case 'skill-used':
      line(paint.dim(`  skill ${event.name} ${event.ok ? 'ok' : 'failed'}`));
      return;
    case 'skill-learned':
      if (!state.skillsShown.has(event.name)) line(paint.green(`learned skill ${event.name}`));
      state.skillsShown.add(event.name);
      return;
    case 'answer':
      state.stepText = '';
      state.screen.status(undefined);
      if (state.showAnswer) line(answerText(state, event.text));
      return;
    case 'failure':
      flushNotes(state);
      state.screen.status(undefined);
      line(paint.red(event.message));
      return;
  }
}

/** The held text of the step, shown as working notes (before code, or before a failure). */
function flushNotes(state: RenderState): void {
  const notes = state.stepText.trim();
  state.stepText = '';
  if (notes) state.screen.line(state.paint.dim(notes));
}

function showObservation(
  state: RenderState,
  result: Extract<TaskEvent, { type: 'observation' }>['result'],
): void {
  const { paint, hiddenLines } = state;
  const line = (text: string) => state.screen.line(text);
  if (hiddenLines > 0) line(paint.dim(`  ⋯ ${formatCount(hiddenLines)} more lines of output not shown here`));
  if (result.truncated)
    line(paint.dim('  ⋯ output cut to fit SANDBOX_MAX_OUTPUT_CHARS: the model sees its head and tail'));
  if (result.stateReset) line(paint.yellow('  (the sandbox was reset before this run: variables are gone)'));
  if (result.value !== undefined) line(clipLines(`=> ${result.value}`, MAX_VALUE_LINES, paint));
  // The error as the model reads it: name, message, the failing line with a caret, its own frames.
  if (result.error)
    line(
      paint.red(renderRunResult({ ok: false, logs: [], error: result.error, durationMs: 0 }, state.lastCode)),
    );
}

function answerText(state: RenderState, text: string): string {
  return state.markdown ? renderMarkdown(text, { paint: state.paint, width: state.screen.width() }) : text;
}

function gutter(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

function clipLines(text: string, max: number, paint: Paint): string {
  const lines = text.split('\n');
  if (lines.length <= max) return text;
  return [
    ...lines.slice(0, max),
    paint.dim(`⋯ ${lines.length - max} more lines of the value not shown here`),
  ].join('\n');
}

/** Usage and cost in one line (for `/cost`). */
export function formatCost(usage: Usage, costUsd: number): string {
  const n = formatCount;
  return `${n(usage.inputTokens)} in, ${n(usage.outputTokens)} out, ${n(usage.cacheReadTokens)} cache read, ${n(usage.cacheWriteTokens)} cache write: ${describeCost(costUsd, usage)}`;
}

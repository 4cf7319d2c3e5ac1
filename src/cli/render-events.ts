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
import { formatBytes } from '../text/format-bytes.ts';
import { classifyLibraryNote, skillLine } from './library-notes.ts';
import { renderMarkdown } from './markdown.ts';
import type { Paint } from './print.ts';
import type { Screen } from './screen.ts';

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

export function createTerminalRenderer(options: TerminalRendererOptions): TerminalRenderer {
  const { screen, paint } = options;
  const now = options.now ?? Date.now;
  const maxLiveLines = options.maxLiveLines ?? 200;
  const markdown = options.markdown ?? screen.tty;
  const line = (text: string) => screen.line(text);

  let stepText = '';
  let lastCode = '';
  let liveLines = 0;
  let hiddenLines = 0;
  let startedAt = now();
  let step = 0;
  let maxSteps = 0;
  let usage: Usage | undefined;
  let costUsd = 0;
  let phase = '';
  const calls = new Map<string, { name: string; progress?: string }>();
  const skillsShown = new Set<string>();

  const statusText = () => {
    const parts = [step > 0 ? `step ${step}/${maxSteps}` : '', seconds(now() - startedAt)];
    if (usage)
      parts.push(`${totalTokens(usage).toLocaleString('en-US')} tokens`, describeCost(costUsd, usage));
    const call = [...calls.values()].at(-1);
    parts.push(call ? `${call.name}${call.progress ? ` ${call.progress}` : ''}` : phase);
    return parts.filter(Boolean).join(' · ');
  };
  const setPhase = (next: string) => {
    phase = next;
    screen.status(statusText);
  };
  /** The held text of the step, shown as working notes (before code, or before a failure). */
  const flushNotes = () => {
    const notes = stepText.trim();
    stepText = '';
    if (notes) line(paint.dim(notes));
  };

  const onEvent = (event: TaskEvent): void => {
    switch (event.type) {
      case 'queued':
        line(paint.dim(`waiting for a free slot (position ${event.position})`));
        setPhase(`queued, position ${event.position}`);
        return;
      case 'running':
        startedAt = now();
        setPhase('starting');
        return;
      case 'file':
        line(
          event.outcome.ok
            ? paint.dim(`added ${event.outcome.name} (${formatBytes(event.outcome.bytes)})`)
            : paint.yellow(`not added: ${event.outcome.reason}`),
        );
        return;
      case 'task-started':
        step = 0;
        usage = undefined;
        costUsd = 0;
        startedAt = now();
        if (event.skillsOffered.length > 0)
          line(paint.dim(`skills offered: ${event.skillsOffered.join(', ')}`));
        setPhase('starting');
        return;
      case 'step':
        step = event.step;
        maxSteps = event.maxSteps;
        stepText = '';
        line(paint.cyan(`── step ${event.step}/${event.maxSteps} ──`));
        setPhase('waiting for the model');
        return;
      case 'text-delta':
        stepText += event.text;
        setPhase(`writing: ${stepText.trim().split('\n').at(-1) ?? ''}`);
        return;
      case 'code':
        flushNotes();
        lastCode = event.code;
        liveLines = 0;
        hiddenLines = 0;
        line(paint.dim(gutter(event.code, '  │ ')));
        setPhase('running code');
        return;
      case 'log':
        liveLines++;
        if (liveLines > maxLiveLines) {
          hiddenLines++;
          return;
        }
        line(
          event.entry.level === 'error' || event.entry.level === 'warn'
            ? paint.yellow(event.entry.text)
            : event.entry.text,
        );
        return;
      case 'tool-call':
        onToolCall(event.call);
        return;
      case 'observation':
        onObservation(event.result);
        setPhase('waiting for the model');
        return;
      case 'retry':
        line(paint.yellow(`model busy (${event.reason}); retrying in ${Math.ceil(event.delayMs / 1000)} s`));
        return;
      case 'usage':
        usage = event.usage;
        costUsd = event.costUsd;
        screen.status(statusText);
        return;
      case 'skill-used':
        line(paint.dim(`  skill ${event.name} ${event.ok ? 'ok' : 'failed'}`));
        return;
      case 'skill-learned':
        if (!skillsShown.has(event.name)) line(paint.green(`learned skill ${event.name}`));
        skillsShown.add(event.name);
        return;
      case 'answer':
        stepText = '';
        screen.status(undefined);
        if (options.showAnswer !== false) line(answerText(event.text));
        return;
      case 'failure':
        flushNotes();
        screen.status(undefined);
        line(paint.red(event.message));
        return;
    }
  };

  const onToolCall = (call: Extract<TaskEvent, { type: 'tool-call' }>['call']) => {
    const name = `${call.server}.${call.tool}`;
    if (call.phase === 'start') {
      calls.set(call.callId, { name });
      line(paint.dim(`  → ${name}`));
    } else if (call.phase === 'progress' && call.progress) {
      const { progress, total, message } = call.progress;
      const amount = total ? `${progress}/${total}` : String(progress);
      calls.set(call.callId, { name, progress: message ? `${amount} ${message}` : amount });
    } else if (call.phase === 'end') {
      calls.delete(call.callId);
      if (!call.ok) line(paint.yellow(`  ✗ ${name}: ${call.error ?? 'failed'}`));
      else if ((call.durationMs ?? 0) >= 1000)
        line(paint.dim(`  ✓ ${name} (${seconds(call.durationMs ?? 0)})`));
    }
    screen.status(statusText);
  };

  const onObservation = (result: Extract<TaskEvent, { type: 'observation' }>['result']) => {
    if (hiddenLines > 0)
      line(paint.dim(`  ⋯ ${hiddenLines.toLocaleString('en-US')} more lines of output not shown here`));
    if (result.truncated)
      line(paint.dim('  ⋯ output cut to fit SANDBOX_MAX_OUTPUT_CHARS: the model sees its head and tail'));
    if (result.stateReset)
      line(paint.yellow('  (the sandbox was reset before this run: variables are gone)'));
    if (result.value !== undefined) line(clipLines(`=> ${result.value}`, MAX_VALUE_LINES, paint));
    // The error as the model reads it: name, message, the failing line with a caret, its own frames.
    if (result.error)
      line(paint.red(renderRunResult({ ok: false, logs: [], error: result.error, durationMs: 0 }, lastCode)));
  };

  const answerText = (text: string) =>
    markdown ? renderMarkdown(text, { paint, width: screen.width() }) : text;

  return {
    onEvent,
    note(text) {
      const note = classifyLibraryNote(text);
      if (note.kind === 'skill') {
        if (skillsShown.has(note.name)) return;
        skillsShown.add(note.name);
        line(note.outcome === 'unchanged' ? paint.dim(skillLine(note)) : paint.green(skillLine(note)));
      } else if (note.kind === 'note' || options.debug) line(paint.dim(note.text));
    },
    summary(report, files = report.files) {
      const tokens = totalTokens(report.usage).toLocaleString('en-US');
      const how = report.ok
        ? paint.green('✓ answered')
        : paint.red(`✗ not answered (${report.stopReason ?? 'error'})`);
      const steps = `${report.steps} step${report.steps === 1 ? '' : 's'}`;
      line(
        `${how} ${paint.dim(`· ${steps} · ${seconds(report.durationMs)} · ${tokens} tokens · ${describeCost(report.costUsd, report.usage)}`)}`,
      );
      if (files.length > 0) line(`${paint.dim('files written:')} ${files.join(', ')}`);
      skillsShown.clear();
    },
    idle() {
      screen.status(undefined);
    },
  };
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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Usage and cost in one line (for `/cost`). */
export function formatCost(usage: Usage, costUsd: number): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return `${n(usage.inputTokens)} in, ${n(usage.outputTokens)} out, ${n(usage.cacheReadTokens)} cache read, ${n(usage.cacheWriteTokens)} cache write: ${describeCost(costUsd, usage)}`;
}

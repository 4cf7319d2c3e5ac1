/**
 * What the terminal renderer remembers while a task runs, and the live status line drawn from it
 * (step, elapsed time, tokens, cost, and the tool being called with its progress, else the phase).
 */
import { describeCost, totalTokens } from '../model/pricing.ts';
import type { Usage } from '../model/types.ts';
import type { TaskEvent } from '../service/types.ts';
import { formatCount } from '../text/format-numbers.ts';
import type { Paint } from './print.ts';
import type { Screen } from './screen.ts';

/** The renderer's settings and its running state, shared by the functions that print events. */
export interface RenderState {
  readonly screen: Screen;
  readonly paint: Paint;
  readonly now: () => number;
  readonly showAnswer: boolean;
  readonly markdown: boolean;
  readonly debug: boolean;
  readonly maxLiveLines: number;
  /** The model's text of the current step, held until the step shows what it was. */
  stepText: string;
  lastCode: string;
  liveLines: number;
  hiddenLines: number;
  startedAt: number;
  step: number;
  maxSteps: number;
  usage: Usage | undefined;
  costUsd: number;
  phase: string;
  readonly calls: Map<string, { name: string; progress?: string }>;
  readonly skillsShown: Set<string>;
  /** The status line's text, recomputed on every frame. */
  readonly status: () => string;
}

/** A fresh state for a renderer. */
export function createRenderState(options: {
  screen: Screen;
  paint: Paint;
  now?: () => number;
  showAnswer?: boolean;
  markdown?: boolean;
  debug?: boolean;
  maxLiveLines?: number;
}): RenderState {
  const now = options.now ?? Date.now;
  const state: RenderState = {
    screen: options.screen,
    paint: options.paint,
    now,
    showAnswer: options.showAnswer !== false,
    markdown: options.markdown ?? options.screen.tty,
    debug: options.debug ?? false,
    maxLiveLines: options.maxLiveLines ?? 200,
    stepText: '',
    lastCode: '',
    liveLines: 0,
    hiddenLines: 0,
    startedAt: now(),
    step: 0,
    maxSteps: 0,
    usage: undefined,
    costUsd: 0,
    phase: '',
    calls: new Map(),
    skillsShown: new Set(),
    status: () => statusText(state),
  };
  return state;
}

function statusText(state: RenderState): string {
  const { usage } = state;
  const parts = [
    state.step > 0 ? `step ${state.step}/${state.maxSteps}` : '',
    seconds(state.now() - state.startedAt),
  ];
  if (usage) parts.push(`${formatCount(totalTokens(usage))} tokens`, describeCost(state.costUsd, usage));
  const call = [...state.calls.values()].at(-1);
  parts.push(call ? `${call.name}${call.progress ? ` ${call.progress}` : ''}` : state.phase);
  return parts.filter(Boolean).join(' · ');
}

/** Say what the task is doing now on the status line. */
export function setPhase(state: RenderState, phase: string): void {
  state.phase = phase;
  state.screen.status(state.status);
}

/** A tool call's start, progress (on the status line) and end (a line when it failed or took a second). */
export function showToolCall(
  state: RenderState,
  call: Extract<TaskEvent, { type: 'tool-call' }>['call'],
): void {
  const { paint, calls } = state;
  const line = (text: string) => state.screen.line(text);
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
  state.screen.status(state.status);
}

/** Milliseconds as "1.2 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

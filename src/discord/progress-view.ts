/**
 * The live progress message of a task: step n of max, what the agent is doing, the current code
 * (shortened), the last output or error, tool calls and elapsed time. Built from agent events.
 */
import type { AgentEvent } from '../agent/events.ts';
import { isCostKnown } from '../model/pricing.ts';

export interface ProgressState {
  status: 'queued' | 'running' | 'done' | 'failed' | 'stopped' | 'interrupted';
  queuePosition?: number;
  step: number;
  maxSteps: number;
  doing: string;
  code?: string;
  output?: string;
  outputOk?: boolean;
  tools: { name: string; state: 'running' | 'ok' | 'failed' }[];
  startedAt: number;
  costUsd: number;
  /** Set when some tokens were of a model with no known price: the cost shows as unknown, never $0. */
  costUnknown?: true;
}

export function initialProgress(now: number, maxSteps: number): ProgressState {
  return { status: 'running', step: 0, maxSteps, doing: 'thinking', tools: [], startedAt: now, costUsd: 0 };
}

/** Fold one agent event into the state. */
export function applyEvent(state: ProgressState, event: AgentEvent): ProgressState {
  switch (event.type) {
    case 'step':
      return { ...state, status: 'running', step: event.step, maxSteps: event.maxSteps, doing: 'thinking' };
    case 'code':
      return { ...state, doing: 'running code', code: event.code, output: undefined, tools: [] };
    case 'tool-call': {
      const name = `${event.call.server}.${event.call.tool}`;
      if (event.call.phase === 'start')
        return {
          ...state,
          doing: `calling ${name}`,
          tools: [...state.tools, { name, state: 'running' as const }].slice(-6),
        };
      if (event.call.phase !== 'end') return state;
      const tools = [...state.tools];
      const index = tools.findLastIndex((tool) => tool.name === name && tool.state === 'running');
      if (index !== -1) tools[index] = { name, state: event.call.ok ? 'ok' : 'failed' };
      return { ...state, tools, doing: 'running code' };
    }
    case 'observation':
      return { ...state, doing: 'reading the result', output: event.text, outputOk: event.ok };
    case 'retry':
      return { ...state, doing: `the model is busy; retrying in ${Math.ceil(event.delayMs / 1000)} s` };
    case 'usage':
      return { ...state, costUsd: event.costUsd, ...(isCostKnown(event.usage) ? {} : { costUnknown: true }) };
    case 'answer':
      return { ...state, status: 'done', doing: 'answered' };
    case 'failure':
      return { ...state, status: event.reason === 'aborted' ? 'stopped' : 'failed', doing: event.message };
    default:
      return state;
  }
}

const ICON: Record<ProgressState['status'], string> = {
  queued: '⏳',
  running: '⚙️',
  done: '✅',
  failed: '❌',
  stopped: '⏹️',
  interrupted: '⚠️',
};

function costText(state: ProgressState): string {
  if (state.costUnknown)
    return state.costUsd > 0 ? ` · $${state.costUsd.toFixed(3)} + unknown` : ' · cost unknown';
  return state.costUsd > 0 ? ` · $${state.costUsd.toFixed(3)}` : '';
}

/** Render the state as message content (always under 2000 characters). */
export function renderProgress(state: ProgressState, now: number): string {
  const elapsed = Math.round((now - state.startedAt) / 1000);
  if (state.status === 'queued') {
    return `${ICON.queued} Queued, position ${state.queuePosition ?? 1}. The task starts when a slot frees up.`;
  }
  const head = `${ICON[state.status]} **${label(state)}** · step ${state.step}/${state.maxSteps} · ${elapsed} s${costText(state)}`;
  const lines = [head];
  if (state.status === 'running') lines.push(`> ${truncate(state.doing, 150)}`);
  else if (state.status !== 'done') lines.push(`> ${truncate(state.doing, 300)}`);
  if (state.code) lines.push(`\`\`\`js\n${shorten(state.code, 12, 700)}\n\`\`\``);
  if (state.tools.length > 0) {
    lines.push(
      `Tools: ${state.tools.map((tool) => `${truncate(tool.name, 40)} ${tool.state === 'running' ? '…' : tool.state === 'ok' ? '✓' : '✗'}`).join(', ')}`,
    );
  }
  if (state.output)
    lines.push(
      `${state.outputOk === false ? 'Error' : 'Output'}:\n\`\`\`\n${shorten(state.output, 8, 450)}\n\`\`\``,
    );
  return truncate(lines.join('\n'), 1990);
}

function label(state: ProgressState): string {
  switch (state.status) {
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'stopped':
      return 'Stopped';
    case 'interrupted':
      return 'Interrupted';
    default:
      return 'Working';
  }
}

function shorten(text: string, maxLines: number, maxChars: number): string {
  let lines = text.replaceAll('```', 'ˋˋˋ').split('\n');
  if (lines.length > maxLines)
    lines = [...lines.slice(0, maxLines - 1), `… (${lines.length - maxLines + 1} more lines)`];
  return truncate(lines.join('\n'), maxChars);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Renders the agent's event stream on a terminal: steps, code, output, tool calls, retries, answer. */
import type { AgentEvent } from '../agent/events.ts';
import { color } from './print.ts';

export interface TerminalRenderer {
  (event: AgentEvent): void;
  /** A side note (e.g. from the skill library) on its own line. */
  note(text: string): void;
  /** The model text streamed in the last step, trimmed (the answer, when the step answered). */
  lastStreamed(): string;
}

/** Write events to `out` (stderr by default, so stdout carries only the answer). */
export function createTerminalRenderer(
  write: (text: string) => void = (text) => process.stderr.write(text),
): TerminalRenderer {
  let streamingText = false;
  let streamed = '';
  const line = (text: string) => {
    if (streamingText) {
      write('\n');
      streamingText = false;
    }
    write(`${text}\n`);
  };
  const render = (event: AgentEvent): void => {
    switch (event.type) {
      case 'task-started':
        if (event.skillsOffered.length > 0)
          line(color.dim(`skills offered: ${event.skillsOffered.join(', ')}`));
        return;
      case 'step':
        streamed = '';
        line(color.cyan(`── step ${event.step}/${event.maxSteps} ──`));
        return;
      case 'text-delta':
        streamed += event.text;
        write(color.dim(event.text));
        streamingText = true;
        return;
      case 'code':
        line(
          color.dim(
            event.code
              .split('\n')
              .map((l) => `  │ ${l}`)
              .join('\n'),
          ),
        );
        return;
      case 'log':
        line(
          event.entry.level === 'error' || event.entry.level === 'warn'
            ? color.yellow(event.entry.text)
            : event.entry.text,
        );
        return;
      case 'tool-call':
        if (event.call.phase === 'start') line(color.dim(`  → ${event.call.server}.${event.call.tool}`));
        else if (event.call.phase === 'end' && !event.call.ok)
          line(color.yellow(`  ✗ ${event.call.server}.${event.call.tool}: ${event.call.error ?? 'failed'}`));
        return;
      case 'observation': {
        const value = event.result.value !== undefined ? `=> ${event.result.value}` : '';
        const error = event.result.error ? `${event.result.error.name}: ${event.result.error.message}` : '';
        const shown = [value, error].filter(Boolean).join('\n');
        if (shown) line(event.ok ? shown : color.red(shown));
        return;
      }
      case 'retry':
        line(color.yellow(`model busy (${event.reason}); retrying in ${Math.ceil(event.delayMs / 1000)} s`));
        return;
      case 'skill-used':
        line(color.dim(`  skill ${event.name} ${event.ok ? 'ok' : 'failed'}`));
        return;
      case 'skill-learned':
        line(color.green(`learned skill: ${event.name}`));
        return;
      case 'failure':
        line(color.red(event.message));
        return;
      case 'usage':
      case 'answer':
        return;
    }
  };
  return Object.assign(render, {
    note: (text: string) => line(color.dim(text)),
    lastStreamed: () => streamed.trim(),
  });
}

export function formatCost(
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number },
  costUsd: number,
): string {
  return `${usage.inputTokens.toLocaleString('en-US')} in, ${usage.outputTokens.toLocaleString('en-US')} out, ${usage.cacheReadTokens.toLocaleString('en-US')} cache read, ${usage.cacheWriteTokens.toLocaleString('en-US')} cache write: $${costUsd.toFixed(4)}`;
}

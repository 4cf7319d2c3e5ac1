/**
 * The two action protocols of the CodeAct loop, one model reply each: `tools` (run_code calls; every
 * tool_use gets its tool_result, even after a stop) and `fenced` (the reply's ```js blocks run in
 * order, their output the next user message; a reply without one is the answer).
 */
import { z } from 'zod';
import type { ContentBlock, Message, ModelResponse } from '../model/types.ts';
import { extractFencedCode } from './fenced-code.ts';
import { formatFencedOutput } from './observation.ts';
import type { TurnResult } from './run-turn.ts';
import { CODE_TOOL } from './system-prompt.ts';

const CodeInputSchema = z.object({ code: z.string().min(1) });
const EMPTY_REPLY: ContentBlock = { type: 'text', text: '(empty reply)' };

/** The observation of a code action that was not run because the turn stopped. */
export const NOT_RUN = 'Not run: the task stopped.';

/** Run one code action: its observation text, whether it ran fine, and the turn's end when it ends it. */
export type RunCode = (code: string) => Promise<{ text: string; ok: boolean; stop?: TurnResult }>;

/** What one model reply led to: an answer, a stop, or neither (loop on). */
export interface StepOutcome {
  answer?: string;
  stop?: TurnResult;
}

/** Tool use: run each run_code call; every tool_use gets its tool_result, even after a stop. */
export async function toolStep(
  response: ModelResponse,
  messages: Message[],
  runCode: RunCode,
): Promise<StepOutcome> {
  // A server may answer with no blocks at all; an empty message would make the next request invalid.
  messages.push({
    role: 'assistant',
    content: response.content.length > 0 ? response.content : [EMPTY_REPLY],
  });
  const toolUses = response.content.filter(
    (block): block is Extract<ContentBlock, { type: 'tool_use' }> => block.type === 'tool_use',
  );
  if (toolUses.length === 0) return { answer: textOf(response.content) };

  const results: ContentBlock[] = [];
  let stop: TurnResult | undefined;
  for (const use of toolUses) {
    if (stop) {
      results.push({
        type: 'tool_result',
        toolUseId: use.id,
        content: NOT_RUN,
        isError: true,
      });
      continue;
    }
    const parsed = CodeInputSchema.safeParse(use.input);
    if (use.name !== CODE_TOOL.name || !parsed.success) {
      const why =
        response.stopReason === 'max_tokens'
          ? 'Your reply was cut off (output token limit) before the code was complete: write shorter code.'
          : `Call ${CODE_TOOL.name} with {"code": "<JavaScript>"}.`;
      results.push({ type: 'tool_result', toolUseId: use.id, content: why, isError: true });
      continue;
    }
    const run = await runCode(parsed.data.code);
    results.push({
      type: 'tool_result',
      toolUseId: use.id,
      content: run.text,
      ...(run.ok ? {} : { isError: true }),
    });
    stop = run.stop;
  }
  messages.push({ role: 'user', content: results });
  return stop ? { stop } : {};
}

/**
 * Fenced actions: the reply's ```js blocks run in order and their output is the next user
 * message; a reply without one is the answer. Tool calls (none were offered) are dropped.
 */
export async function fencedStep(
  response: ModelResponse,
  messages: Message[],
  runCode: RunCode,
): Promise<StepOutcome> {
  const kept = response.content.filter((block) => block.type !== 'tool_use');
  messages.push({
    role: 'assistant',
    content: kept.length > 0 ? kept : [EMPTY_REPLY],
  });
  const text = textOf(kept);
  const { blocks, unclosed } = extractFencedCode(text);
  if (unclosed && response.stopReason === 'max_tokens') {
    const note =
      'Your reply was cut off (output token limit) before the js block was closed: write shorter code.';
    messages.push({ role: 'user', content: [{ type: 'text', text: formatFencedOutput([note]) }] });
    return {};
  }
  if (blocks.length === 0) return { answer: text };

  const outputs: string[] = [];
  let stop: TurnResult | undefined;
  for (const code of blocks) {
    if (stop) {
      outputs.push(NOT_RUN);
      continue;
    }
    const run = await runCode(code);
    outputs.push(run.text);
    stop = run.stop;
  }
  messages.push({ role: 'user', content: [{ type: 'text', text: formatFencedOutput(outputs) }] });
  return stop ? { stop } : {};
}

function textOf(content: ContentBlock[]): string {
  return content
    .filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
}

/**
 * The CodeAct loop for one user message: model -> code -> observation -> model ... -> answer.
 * Budgets (steps, wall clock, tokens, cost), cancellation and stuck detection end it with a reason.
 * Two action protocols, by model: `tools` (one code tool; the transcript always stays valid for
 * the API: every tool_use gets its tool_result) and `fenced` (for models without reliable tool
 * calls: the ```js blocks of a reply are the code, their output the next user message, a reply
 * without one the answer).
 */
import { z } from 'zod';
import { describeError } from '../errors.ts';
import { addUsage, budgetCostOf, emptyUsage, isCostKnown, totalTokens } from '../model/pricing.ts';
import type { ContentBlock, Message, Model, ModelResponse } from '../model/types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { applyContextBudget } from './context-budget.ts';
import type { AgentEvent } from './events.ts';
import { extractFencedCode } from './fenced-code.ts';
import { toFencedMessages } from './fenced-transcript.ts';
import { formatFencedOutput, formatObservation } from './observation.ts';
import { createStuckDetector } from './stuck-detector.ts';
import { actingRules, CODE_TOOL } from './system-prompt.ts';
import type { CodeRun, TaskReport } from './types.ts';

export interface AgentLimits {
  maxSteps: number;
  wallMs: number;
  maxTokens: number;
  /** Tokens of a model with unknown price count toward it at a stand-in rate (see budgetCostOf). */
  maxCostUsd: number;
}

export interface TurnInput {
  task: string;
  /** Its `actions` picks the protocol (default `tools`). */
  model: Model;
  sandbox: Sandbox;
  messages: Message[];
  /** The stable prompt; the loop appends the acting rules of the model's protocol. */
  system: string;
  systemDynamic: string;
  limits: AgentLimits;
  signal?: AbortSignal;
  emit: (event: AgentEvent) => void;
  now?: () => number;
}

export type TurnResult = Omit<TaskReport, 'files' | 'skillsOffered' | 'skillsUsed' | 'skillLearned'>;

const CodeInputSchema = z.object({ code: z.string().min(1) });
const CANCELLED = 'Stopped: the task was cancelled.';
const NOT_RUN = 'Not run: the task stopped.';
const EMPTY_REPLY: ContentBlock = { type: 'text', text: '(empty reply)' };

export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const { limits, emit, messages } = input;
  const actions = input.model.actions ?? 'tools';
  const system = `${input.system}\n\n${actingRules(actions)}`;
  let usage = emptyUsage();
  let costUsd = 0;
  const runs: CodeRun[] = [];
  const stuck = createStuckDetector();
  let step = 0;

  const result = (ok: boolean, answer: string, stopReason: TaskReport['stopReason']): TurnResult => {
    const lastOk = [...runs].reverse().find((run) => run.ok);
    return {
      ok,
      answer,
      task: input.task,
      stopReason,
      steps: step,
      usage,
      costUsd,
      durationMs: now() - started,
      runs,
      resultCode: lastOk?.code ?? '',
    };
  };

  /** Run one code action: events, the run record, stuck detection. `stop` ends the turn after it. */
  const runCode = async (code: string): Promise<{ text: string; ok: boolean; stop?: TurnResult }> => {
    if (input.signal?.aborted) return { text: NOT_RUN, ok: false, stop: result(false, CANCELLED, 'aborted') };
    emit({ type: 'code', step, code });
    const run = await input.sandbox.run(code, {
      ...(input.signal ? { signal: input.signal } : {}),
      onLog: (entry) => emit({ type: 'log', step, entry }),
    });
    const text = formatObservation(run, code, input.sandbox.limits.maxOutputChars);
    emit({ type: 'observation', step, ok: run.ok, text, result: run });
    const errorLine = run.error ? `${run.error.name}: ${run.error.message}` : undefined;
    runs.push({
      step,
      code,
      ok: run.ok,
      ...(run.value !== undefined ? { value: run.value } : {}),
      ...(errorLine ? { error: errorLine } : {}),
    });
    if (run.error?.limit === 'aborted' || input.signal?.aborted) {
      return { text, ok: run.ok, stop: result(false, CANCELLED, 'aborted') };
    }
    const stuckWhy = stuck.record(code, errorLine);
    if (stuckWhy)
      return { text, ok: run.ok, stop: result(false, `Stopped: the agent is stuck (${stuckWhy}).`, 'stuck') };
    return { text, ok: run.ok };
  };

  while (true) {
    if (input.signal?.aborted) return result(false, CANCELLED, 'aborted');
    if (step >= limits.maxSteps) {
      return result(
        false,
        `Stopped after ${limits.maxSteps} steps without an answer (the step limit).`,
        'max-steps',
      );
    }
    if (now() - started > limits.wallMs) {
      return result(
        false,
        `Stopped: the time budget of ${Math.round(limits.wallMs / 1000)} s for this message ran out.`,
        'wall-budget',
      );
    }
    step++;
    emit({ type: 'step', step, maxSteps: limits.maxSteps });
    applyContextBudget(messages);

    let response: ModelResponse;
    try {
      response = await input.model.complete(
        {
          system,
          systemDynamic: input.systemDynamic,
          messages: actions === 'tools' ? messages : toFencedMessages(messages),
          tools: actions === 'tools' ? [CODE_TOOL] : [],
        },
        {
          ...(input.signal ? { signal: input.signal } : {}),
          onEvent: (event) => {
            if (event.type === 'text-delta') emit({ type: 'text-delta', step, text: event.text });
            else
              emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason });
          },
        },
      );
    } catch (error) {
      if (input.signal?.aborted) return result(false, CANCELLED, 'aborted');
      return result(false, `The model could not be reached: ${describeError(error)}`, 'error');
    }
    usage = addUsage(usage, response.usage);
    costUsd += response.costUsd;
    emit({ type: 'usage', step, usage, costUsd });

    const outcome =
      actions === 'tools'
        ? await toolStep(response, messages, runCode)
        : await fencedStep(response, messages, runCode);
    if (outcome.answer !== undefined) {
      const answer = outcome.answer;
      if (response.stopReason === 'max_tokens' && !answer) {
        return result(false, 'The model ran out of output tokens before answering.', 'error');
      }
      return result(true, answer || '(no answer)', 'answered');
    }
    if (outcome.stop) return { ...outcome.stop, steps: step };

    if (totalTokens(usage) > limits.maxTokens) {
      return result(
        false,
        `Stopped: the token budget of ${limits.maxTokens.toLocaleString('en-US')} tokens for this message ran out.`,
        'token-budget',
      );
    }
    if (budgetCostOf(costUsd, usage) > limits.maxCostUsd) {
      const unknown = isCostKnown(usage)
        ? ''
        : ` (the model's price is unknown: its ${usage.unpricedTokens?.toLocaleString('en-US')} tokens were counted at $3 per million)`;
      return result(
        false,
        `Stopped: the cost budget of $${limits.maxCostUsd.toFixed(2)} for this message ran out${unknown}.`,
        'cost-budget',
      );
    }
  }
}

type RunCode = (code: string) => Promise<{ text: string; ok: boolean; stop?: TurnResult }>;

/** What one model reply led to: an answer, a stop, or neither (loop on). */
interface StepOutcome {
  answer?: string;
  stop?: TurnResult;
}

/** Tool use: run each run_code call; every tool_use gets its tool_result, even after a stop. */
async function toolStep(
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
        content: 'Not run: the task stopped.',
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
async function fencedStep(
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

/**
 * The CodeAct loop for one user message: model -> code -> observation -> model ... -> answer.
 * Budgets (steps, wall clock, tokens, cost), cancellation and stuck detection end it with a reason.
 * The transcript always stays valid for the API: every tool_use gets its tool_result.
 */
import { z } from 'zod';
import { describeError } from '../errors.ts';
import { addUsage, emptyUsage, totalTokens } from '../model/pricing.ts';
import type { ContentBlock, Message, Model } from '../model/types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { applyContextBudget } from './context-budget.ts';
import type { AgentEvent } from './events.ts';
import { formatObservation } from './observation.ts';
import { createStuckDetector } from './stuck-detector.ts';
import { CODE_TOOL } from './system-prompt.ts';
import type { CodeRun, TaskReport } from './types.ts';

export interface AgentLimits {
  maxSteps: number;
  wallMs: number;
  maxTokens: number;
  maxCostUsd: number;
}

export interface TurnInput {
  task: string;
  model: Model;
  sandbox: Sandbox;
  messages: Message[];
  system: string;
  systemDynamic: string;
  limits: AgentLimits;
  signal?: AbortSignal;
  emit: (event: AgentEvent) => void;
  now?: () => number;
}

export type TurnResult = Omit<TaskReport, 'files' | 'skillsOffered' | 'skillsUsed' | 'skillLearned'>;

const CodeInputSchema = z.object({ code: z.string().min(1) });

export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const { limits, emit, messages } = input;
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

  while (true) {
    if (input.signal?.aborted) return result(false, 'Stopped: the task was cancelled.', 'aborted');
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

    let response: Awaited<ReturnType<Model['complete']>>;
    try {
      response = await input.model.complete(
        { system: input.system, systemDynamic: input.systemDynamic, messages, tools: [CODE_TOOL] },
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
      if (input.signal?.aborted) return result(false, 'Stopped: the task was cancelled.', 'aborted');
      return result(false, `The model could not be reached: ${describeError(error)}`, 'error');
    }
    usage = addUsage(usage, response.usage);
    costUsd += response.costUsd;
    emit({ type: 'usage', step, usage, costUsd });
    messages.push({ role: 'assistant', content: response.content });

    const toolUses = response.content.filter(
      (block): block is Extract<ContentBlock, { type: 'tool_use' }> => block.type === 'tool_use',
    );
    if (toolUses.length === 0) {
      const answer = textOf(response.content);
      if (response.stopReason === 'max_tokens' && !answer) {
        return result(false, 'The model ran out of output tokens before answering.', 'error');
      }
      return result(true, answer || '(no answer)', 'answered');
    }

    const results: ContentBlock[] = [];
    let stop: TurnResult | undefined;
    for (const use of toolUses) {
      if (stop || input.signal?.aborted) {
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
      const code = parsed.data.code;
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
      results.push({
        type: 'tool_result',
        toolUseId: use.id,
        content: text,
        ...(run.ok ? {} : { isError: true }),
      });
      if (run.error?.limit === 'aborted' || input.signal?.aborted) {
        stop = result(false, 'Stopped: the task was cancelled.', 'aborted');
        continue;
      }
      const stuckWhy = stuck.record(code, errorLine);
      if (stuckWhy) stop = result(false, `Stopped: the agent is stuck (${stuckWhy}).`, 'stuck');
    }
    messages.push({ role: 'user', content: results });
    if (stop) return { ...stop, steps: step };

    if (totalTokens(usage) > limits.maxTokens) {
      return result(
        false,
        `Stopped: the token budget of ${limits.maxTokens.toLocaleString('en-US')} tokens for this message ran out.`,
        'token-budget',
      );
    }
    if (costUsd > limits.maxCostUsd) {
      return result(
        false,
        `Stopped: the cost budget of $${limits.maxCostUsd.toFixed(2)} for this message ran out.`,
        'cost-budget',
      );
    }
  }
}

function textOf(content: ContentBlock[]): string {
  return content
    .filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
}

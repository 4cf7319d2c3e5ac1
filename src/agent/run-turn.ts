/**
 * The CodeAct loop for one user message: model -> code -> observation -> model ... -> answer.
 * Budgets (steps, wall clock, tokens, cost), cancellation and stuck detection end it with a reason.
 * Two action protocols, by model: `tools` (one code tool; the transcript always stays valid for
 * the API: every tool_use gets its tool_result) and `fenced` (for models without reliable tool
 * calls: the ```js blocks of a reply are the code, their output the next user message, a reply
 * without one the answer; both in `action-steps.ts`).
 */
import { describeError } from '../errors.ts';
import { addUsage, budgetCostOf, emptyUsage, isCostKnown, totalTokens } from '../model/pricing.ts';
import type { ActionProtocol, Message, Model, ModelResponse, Usage } from '../model/types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { formatCount } from '../text/format-numbers.ts';
import { fencedStep, NOT_RUN, toolStep } from './action-steps.ts';
import { applyContextBudget } from './context-budget.ts';
import type { AgentEvent } from './events.ts';
import { toFencedMessages } from './fenced-transcript.ts';
import { formatObservation } from './observation.ts';
import { createStuckDetector, type StuckDetector } from './stuck-detector.ts';
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

const CANCELLED = 'Stopped: the task was cancelled.';

/** What the loop keeps while it runs. */
interface TurnState {
  readonly input: TurnInput;
  readonly now: () => number;
  readonly started: number;
  readonly actions: ActionProtocol;
  /** The stable prompt with the protocol's acting rules. */
  readonly system: string;
  readonly runs: CodeRun[];
  readonly stuck: StuckDetector;
  usage: Usage;
  costUsd: number;
  step: number;
}

/** Work on one user message until an answer or a stop (see the module header). */
export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const now = input.now ?? Date.now;
  const actions = input.model.actions ?? 'tools';
  const state: TurnState = {
    input,
    now,
    started: now(),
    actions,
    system: `${input.system}\n\n${actingRules(actions)}`,
    runs: [],
    stuck: createStuckDetector(),
    usage: emptyUsage(),
    costUsd: 0,
    step: 0,
  };
  const { emit, messages } = input;
  const runCode = (code: string) => runCodeAction(state, code);
  while (true) {
    const stopped = stopBeforeStep(state);
    if (stopped) return stopped;
    state.step++;
    emit({ type: 'step', step: state.step, maxSteps: input.limits.maxSteps });
    applyContextBudget(messages);

    let response: ModelResponse;
    try {
      response = await askModel(state);
    } catch (error) {
      if (input.signal?.aborted) return resultOf(state, false, CANCELLED, 'aborted');
      return resultOf(state, false, `The model could not be reached: ${describeError(error)}`, 'error');
    }
    state.usage = addUsage(state.usage, response.usage);
    state.costUsd += response.costUsd;
    emit({ type: 'usage', step: state.step, usage: state.usage, costUsd: state.costUsd });

    const outcome =
      actions === 'tools'
        ? await toolStep(response, messages, runCode)
        : await fencedStep(response, messages, runCode);
    if (outcome.answer !== undefined) {
      const answer = outcome.answer;
      if (response.stopReason === 'max_tokens' && !answer) {
        return resultOf(state, false, 'The model ran out of output tokens before answering.', 'error');
      }
      return resultOf(state, true, answer || '(no answer)', 'answered');
    }
    if (outcome.stop) return { ...outcome.stop, steps: state.step };
    const overBudget = stopAfterStep(state);
    if (overBudget) return overBudget;
  }
}

function resultOf(
  state: TurnState,
  ok: boolean,
  answer: string,
  stopReason: TaskReport['stopReason'],
): TurnResult {
  const lastOk = [...state.runs].reverse().find((run) => run.ok);
  return {
    ok,
    answer,
    task: state.input.task,
    stopReason,
    steps: state.step,
    usage: state.usage,
    costUsd: state.costUsd,
    durationMs: state.now() - state.started,
    runs: state.runs,
    resultCode: lastOk?.code ?? '',
  };
}

/** Cancelled, out of steps or out of time before the next step: the turn's end. */
function stopBeforeStep(state: TurnState): TurnResult | undefined {
  const { limits, signal } = state.input;
  if (signal?.aborted) return resultOf(state, false, CANCELLED, 'aborted');
  if (state.step >= limits.maxSteps) {
    return resultOf(
      state,
      false,
      `Stopped after ${limits.maxSteps} steps without an answer (the step limit).`,
      'max-steps',
    );
  }
  if (state.now() - state.started > limits.wallMs) {
    return resultOf(
      state,
      false,
      `Stopped: the time budget of ${Math.round(limits.wallMs / 1000)} s for this message ran out.`,
      'wall-budget',
    );
  }
  return undefined;
}

/** Over the token or cost budget after a step: the turn's end. */
function stopAfterStep(state: TurnState): TurnResult | undefined {
  const { limits } = state.input;
  const { usage } = state;
  if (totalTokens(usage) > limits.maxTokens) {
    return resultOf(
      state,
      false,
      `Stopped: the token budget of ${formatCount(limits.maxTokens)} tokens for this message ran out.`,
      'token-budget',
    );
  }
  if (budgetCostOf(state.costUsd, usage) > limits.maxCostUsd) {
    const unknown = isCostKnown(usage)
      ? ''
      : ` (the model's price is unknown: its ${formatCount(usage.unpricedTokens ?? 0)} tokens were counted at $3 per million)`;
    return resultOf(
      state,
      false,
      `Stopped: the cost budget of $${limits.maxCostUsd.toFixed(2)} for this message ran out${unknown}.`,
      'cost-budget',
    );
  }
  return undefined;
}

/** One model call with the transcript in the protocol's shape; its deltas and retries told as events. */
function askModel(state: TurnState): Promise<ModelResponse> {
  const { input, actions, step } = state;
  const { emit, messages } = input;
  return input.model.complete(
    {
      system: state.system,
      systemDynamic: input.systemDynamic,
      messages: actions === 'tools' ? messages : toFencedMessages(messages),
      tools: actions === 'tools' ? [CODE_TOOL] : [],
    },
    {
      ...(input.signal ? { signal: input.signal } : {}),
      onEvent: (event) => {
        if (event.type === 'text-delta') emit({ type: 'text-delta', step, text: event.text });
        else emit({ type: 'retry', attempt: event.attempt, delayMs: event.delayMs, reason: event.reason });
      },
    },
  );
}

/** Run one code action: events, the run record, stuck detection. `stop` ends the turn after it. */
async function runCodeAction(
  state: TurnState,
  code: string,
): Promise<{ text: string; ok: boolean; stop?: TurnResult }> {
  const { input, step } = state;
  const { emit, signal, sandbox } = input;
  if (signal?.aborted)
    return { text: NOT_RUN, ok: false, stop: resultOf(state, false, CANCELLED, 'aborted') };
  emit({ type: 'code', step, code });
  const run = await sandbox.run(code, {
    ...(signal ? { signal } : {}),
    onLog: (entry) => emit({ type: 'log', step, entry }),
  });
  const text = formatObservation(run, code, sandbox.limits.maxOutputChars);
  emit({ type: 'observation', step, ok: run.ok, text, result: run });
  const errorLine = run.error ? `${run.error.name}: ${run.error.message}` : undefined;
  state.runs.push({
    step,
    code,
    ok: run.ok,
    ...(run.value !== undefined ? { value: run.value } : {}),
    ...(errorLine ? { error: errorLine } : {}),
  });
  if (run.error?.limit === 'aborted' || signal?.aborted) {
    return { text, ok: run.ok, stop: resultOf(state, false, CANCELLED, 'aborted') };
  }
  const stuckWhy = state.stuck.record(code, errorLine);
  if (stuckWhy)
    return {
      text,
      ok: run.ok,
      stop: resultOf(state, false, `Stopped: the agent is stuck (${stuckWhy}).`, 'stuck'),
    };
  return { text, ok: run.ok };
}

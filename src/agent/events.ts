/** The typed event stream of a task: front ends subscribe and render; nothing in the loop prints. */
import type { Usage } from '../model/types.ts';
import type { LogEntry, RunResult } from '../sandbox/types.ts';
import type { ToolCallEvent } from '../tools/types.ts';
import type { TaskReport } from './types.ts';

export type AgentEvent =
  | { type: 'task-started'; sessionId: string; task: string; skillsOffered: string[] }
  | { type: 'step'; step: number; maxSteps: number }
  | { type: 'text-delta'; step: number; text: string }
  | { type: 'code'; step: number; code: string }
  | { type: 'log'; step: number; entry: LogEntry }
  | { type: 'tool-call'; step: number; call: ToolCallEvent }
  | { type: 'observation'; step: number; ok: boolean; text: string; result: RunResult }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  | { type: 'usage'; step: number; usage: Usage; costUsd: number }
  | { type: 'skill-used'; name: string; ok: boolean }
  | { type: 'skill-learned'; name: string }
  | { type: 'answer'; text: string; report: TaskReport }
  | { type: 'failure'; reason: NonNullable<TaskReport['stopReason']>; message: string; report: TaskReport };

export type AgentEventListener = (event: AgentEvent) => void;

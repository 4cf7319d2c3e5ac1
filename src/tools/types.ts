/** The tool hub contract: MCP servers (configured and built-in) seen by the agent and front ends. */
import type { SandboxProvider } from '../sandbox/types.ts';

export type ServerStatus = 'connecting' | 'connected' | 'failed' | 'reconnecting' | 'closed' | 'disabled';

export interface ToolInfo {
  /** The MCP tool name as the server spells it. */
  name: string;
  /** The identifier used in sandboxed code: `tools.<server>.<identifier>`. */
  identifier: string;
  description: string;
}

export interface ServerInfo {
  name: string;
  /** Identifier of the server's namespace in code. */
  identifier: string;
  status: ServerStatus;
  /** Why the server failed, is reconnecting or is disabled (also shown to the model). */
  error?: string;
  /** Diagnostics for operators, e.g. the end of the server's stderr; never shown to the model. */
  detail?: string;
  builtIn: boolean;
  tools: ToolInfo[];
  /** Characters this server's part of `declarations()` costs the prompt. */
  declarationChars: number;
}

/** One tool call, as recorded for the audit log and live progress. */
export interface ToolCallEvent {
  phase: 'start' | 'progress' | 'end';
  callId: string;
  server: string;
  tool: string;
  /** Size of the JSON arguments in characters. */
  argsChars: number;
  durationMs?: number;
  ok?: boolean;
  error?: string;
  /** Size of the result in characters (JSON of the unwrapped value). */
  resultChars?: number;
  /** Progress notifications of a long call (phase 'progress'). */
  progress?: { progress: number; total?: number; message?: string };
}

/** Something about the hub changed: a server's status, or the tools it offers (declarations changed). */
export type HubEvent =
  | { type: 'status'; server: string; status: ServerStatus; error?: string }
  | { type: 'tools-changed'; server: string };

/** A tool call waiting for a person's decision. */
export interface ApprovalRequest {
  server: string;
  tool: string;
  /** How code spells it: `tools.github.createIssue`. */
  label: string;
  /** The call's argument, as the code passed it (untrusted). */
  input: unknown;
  /** Why it needs approval. */
  reason: string;
}

export interface ApprovalDecision {
  approved: boolean;
  /** Who decided (a member's id or name), or why nobody did (`timeout`, `nobody`). */
  by: string;
  note?: string;
}

export interface ToolBindingOptions {
  /** The task session's folder: the `workspace` tools act on it. */
  workspaceDir: string;
  /** Receives an event when each call starts, reports progress, and ends. */
  onCall?: (event: ToolCallEvent) => void;
  /**
   * Asked before a call that needs approval; the run's wall clock is paused while it waits. Without
   * it such calls are denied.
   */
  approve?: (request: ApprovalRequest) => Promise<ApprovalDecision>;
  /** Only these servers (by configured name); default every server. */
  servers?: readonly string[];
}

export interface CallOptions extends ToolBindingOptions {
  signal?: AbortSignal;
}

export interface ToolHub {
  servers(): ServerInfo[];
  /** TypeScript declarations of `tools` as the model sees them (of `servers` only, when given). */
  declarations(servers?: readonly string[]): string;
  /**
   * The sandbox provider of `tools`: `tools.<server>.<tool>` for every tool, `ToolError`, and guards
   * that make unknown servers and tools throw with the close names instead of `undefined is not a
   * function`. The workspace tools act on `workspaceDir`; events of each call go to `onCall`. A
   * snapshot: after a `tools-changed` event, take a new provider (and declarations).
   */
  provider(options: ToolBindingOptions): SandboxProvider;
  /**
   * Call a tool from the host by server and tool name (MCP names or identifiers). Resolves to the
   * unwrapped result; rejects with an Error named `ToolError` when the tool fails, times out or is unknown.
   */
  call(server: string, tool: string, input: unknown, options: CallOptions): Promise<unknown>;
  /** Listen to status and tool-list changes; returns the unsubscribe function. */
  subscribe(listener: (event: HubEvent) => void): () => void;
  close(): Promise<void>;
}

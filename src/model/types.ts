/**
 * The model contract, free of the Anthropic SDK's types so the agent core never imports it.
 * Only `src/model/` talks to @anthropic-ai/sdk.
 */

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

export interface Message {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** A tool the model may call (Anthropic tool use). */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** Stable system text (identity, rules, tool declarations): sent with cache_control. */
  system: string;
  /** Per-task system text (retrieved skills, workspace files): after the cached prefix. */
  systemDynamic?: string;
  messages: Message[];
  tools: ToolSpec[];
  maxTokens?: number;
  /** Overrides the client's default model for this request (e.g. the cheaper distiller). */
  model?: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export interface ModelResponse {
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'other';
  usage: Usage;
  model: string;
  costUsd: number;
}

export type ModelEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string };

export interface CompleteOptions {
  signal?: AbortSignal;
  onEvent?: (event: ModelEvent) => void;
}

export interface Model {
  /** The default model id, e.g. `claude-sonnet-4-5`. */
  readonly modelId: string;
  /** One model turn, streamed; retries transient failures; throws ServiceError when it gives up. */
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse>;
}

/**
 * The model contract, free of the Anthropic SDK's types so the agent core never imports it.
 * Only `src/model/` talks to @anthropic-ai/sdk.
 */
import type { ImageMediaType } from './image-media-type.ts';

/**
 * One block of a message. `thinking` and `redacted_thinking` come from models that think before
 * answering; keep them in the assistant message as returned (the API checks their signatures when
 * a tool-use turn is sent back). `tool_use.input` is the parsed JSON object, or the raw text as a
 * string when the model's JSON was invalid or cut off (stopReason `max_tokens`).
 */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | ImageBlock;

/**
 * An image shown to the model (in a user message). `path` is the workspace file it came from, which
 * is all a saved transcript keeps; `data` is the image as sent (base64, prepared within the API's
 * limits, `mediaType` its format), present while the session is live and prepared again from `path`
 * when a saved session is loaded.
 */
export interface ImageBlock {
  type: 'image';
  mediaType: ImageMediaType;
  path: string;
  data?: string;
}

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
  /**
   * Of the tokens above, those spent on a model with no known price (a local model, a gateway
   * alias): their cost is in no `costUsd`, so a cost with unpriced tokens is unknown, never $0.
   * Absent when 0.
   */
  unpricedTokens?: number;
  /**
   * Of the tokens above, those the endpoint did not report (no or partial `usage`), estimated from
   * the text (about 4 characters a token) so token budgets still hold. Absent when 0.
   */
  estimatedTokens?: number;
}

export interface ModelResponse {
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'other';
  usage: Usage;
  model: string;
  /** The cost of the priced tokens: 0 with `usage.unpricedTokens` > 0 means unknown, not free. */
  costUsd: number;
}

/**
 * Live events of one `complete` call. After a `retry` event the text streamed so far in this call
 * is void: the turn starts again from the beginning.
 */
export type ModelEvent =
  | { type: 'text-delta'; text: string }
  /** `attempt` is the 1-based number of the retry about to be made, after `delayMs`. */
  | { type: 'retry'; attempt: number; delayMs: number; reason: string };

export interface CompleteOptions {
  signal?: AbortSignal;
  onEvent?: (event: ModelEvent) => void;
}

/**
 * How the agent acts with a model: `tools` (Anthropic tool use, one code tool) or `fenced` (a text
 * protocol for models without reliable tool calls: a ```js block in the reply is the code action).
 */
export type ActionProtocol = 'tools' | 'fenced';

export interface Model {
  /** The default model id, e.g. `claude-sonnet-4-5`. */
  readonly modelId: string;
  /** How the agent loop acts with this model (default `tools`). */
  readonly actions?: ActionProtocol;
  /** One model turn, streamed; retries transient failures; throws ServiceError when it gives up. */
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse>;
}

/**
 * Scripted replies of the fake Messages API, and builders that keep test scripts short:
 * `fake.reply(code('return 1 + 2'), text('The answer is 3'))`.
 */

/** Usage numbers as the API reports them. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type FakeBlock =
  | { type: 'text'; text: string }
  /** `rawJson` replaces the streamed JSON of `input`, e.g. to send JSON cut off by max_tokens. */
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown>; rawJson?: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

/** How a streamed reply ends after its blocks. */
export type FakeEnding =
  /** message_delta + message_stop: a normal reply. */
  | { type: 'complete' }
  /** An SSE `error` event, as the API sends when it fails mid-stream. */
  | { type: 'error'; errorType: string; message: string }
  /** Nothing more is sent and the response stays open until the client goes away. */
  | { type: 'stall' }
  /** The socket is destroyed (a broken connection). */
  | { type: 'drop' }
  /** The response ends cleanly but without message_delta / message_stop. */
  | { type: 'truncate' }
  /**
   * An SSE `error` event whose data is another server's error body, e.g. llama.cpp's
   * `{ error: { code: 500, message, type: 'server_error' } }`.
   */
  | { type: 'foreign-error'; data: Record<string, unknown> };

/**
 * Which usage a streamed reply reports, as Anthropic-compatible servers differ: `all` (the API),
 * `none` (no usage in message_start or message_delta), `input-only` (no output count at the end),
 * `output-only` (no input count at the start).
 */
export type UsageReport = 'all' | 'none' | 'input-only' | 'output-only';

interface Timing {
  /** Wait this long (ms) before answering; cut short when the client goes away. */
  delayMs?: number;
}

export interface MessageReply extends Timing {
  kind: 'message';
  content: FakeBlock[];
  stopReason?: string;
  usage?: Partial<FakeUsage>;
  model?: string;
  /** Characters per text / JSON delta (default 12). */
  chunkSize?: number;
  /** Wait between streamed events (ms, default 0). */
  eventDelayMs?: number;
  /** Default `complete`. */
  ending?: FakeEnding;
  /** Default `all`. */
  usageReport?: UsageReport;
  /** Leave the model id out of message_start (some servers do). */
  omitModel?: boolean;
}

export interface HttpErrorReply extends Timing {
  kind: 'http-error';
  status: number;
  errorType: string;
  message: string;
  headers?: Record<string, string>;
}

export interface StallReply extends Timing {
  kind: 'stall';
  /** Send the response headers (and message_start) before stalling (default true). */
  afterHeaders: boolean;
}

export type FakeReply = MessageReply | HttpErrorReply | StallReply;

interface MessageOptions extends Timing {
  stopReason?: string;
  usage?: Partial<FakeUsage>;
  model?: string;
  chunkSize?: number;
  eventDelayMs?: number;
}

/** A reply with these blocks; stop reason `tool_use` when there is a tool_use block, else `end_turn`. */
export function message(content: FakeBlock[], options: MessageOptions = {}): MessageReply {
  const stopReason =
    options.stopReason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
  return { kind: 'message', ...options, content, stopReason };
}

/** A plain text answer. */
export function text(answer: string, options: MessageOptions = {}): MessageReply {
  return message([{ type: 'text', text: answer }], options);
}

/** One `run_code` tool call with `{ code }`, optionally with text before it. */
export function code(
  source: string,
  options: MessageOptions & { text?: string; id?: string } = {},
): MessageReply {
  const { text: before, id, ...rest } = options;
  return toolUses([{ code: source, ...(id ? { id } : {}) }], {
    ...rest,
    ...(before ? { text: before } : {}),
  });
}

/** Several tool calls in one reply: `{ code }` is `run_code`, or any `{ name, input }`. */
export function toolUses(
  calls: Array<{ code: string; id?: string } | { name: string; input: Record<string, unknown>; id?: string }>,
  options: MessageOptions & { text?: string } = {},
): MessageReply {
  const { text: before, ...rest } = options;
  const blocks: FakeBlock[] = calls.map((call) =>
    'code' in call
      ? {
          type: 'tool_use',
          name: 'run_code',
          input: { code: call.code },
          ...(call.id ? { id: call.id } : {}),
        }
      : { type: 'tool_use', name: call.name, input: call.input, ...(call.id ? { id: call.id } : {}) },
  );
  return message(before ? [{ type: 'text', text: before }, ...blocks] : blocks, rest);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

/**
 * An HTTP error with the API's JSON body `{ type: 'error', error: { type, message } }`.
 * `retryAfter` is in seconds (the `retry-after` header), `retryAfterMs` the `retry-after-ms` header.
 */
export function httpError(
  status: number,
  options: Timing & {
    type?: string;
    message?: string;
    retryAfter?: number;
    retryAfterMs?: number;
    headers?: Record<string, string>;
  } = {},
): HttpErrorReply {
  const errorType =
    options.type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const headers: Record<string, string> = { ...options.headers };
  if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
  if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
  return {
    kind: 'http-error',
    status,
    errorType,
    message: options.message ?? ERROR_MESSAGES[errorType] ?? `Error ${status}`,
    headers,
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
  };
}

/** 529 overloaded_error. */
export function overloaded(options: Parameters<typeof httpError>[1] = {}): HttpErrorReply {
  return httpError(529, options);
}

/** 429 rate_limit_error with `retry-after: <seconds>`. */
export function rateLimited(
  retryAfterSeconds: number,
  options: Parameters<typeof httpError>[1] = {},
): HttpErrorReply {
  return httpError(429, { retryAfter: retryAfterSeconds, ...options });
}

/** A 200 stream that sends `before` blocks, then an SSE `error` event (default overloaded_error). */
export function streamError(
  errorType = 'overloaded_error',
  options: MessageOptions & { message?: string; before?: FakeBlock[] } = {},
): MessageReply {
  const { message: text, before, ...rest } = options;
  return {
    ...message(before ?? [], rest),
    ending: { type: 'error', errorType, message: text ?? ERROR_MESSAGES[errorType] ?? errorType },
  };
}

/** A response that never ends until the client disconnects. */
export function stall(options: Timing & { afterHeaders?: boolean; before?: FakeBlock[] } = {}): FakeReply {
  if (options.before) return { ...message(options.before), ending: { type: 'stall' } };
  return {
    kind: 'stall',
    afterHeaders: options.afterHeaders ?? true,
    ...(options.delayMs ? { delayMs: options.delayMs } : {}),
  };
}

/** A stream whose connection breaks after `before` blocks. */
export function drop(options: { before?: FakeBlock[] } = {}): MessageReply {
  return { ...message(options.before ?? []), ending: { type: 'drop' } };
}

/** A stream that ends cleanly after `before` blocks but without message_stop. */
export function truncate(options: { before?: FakeBlock[] } = {}): MessageReply {
  return { ...message(options.before ?? []), ending: { type: 'truncate' } };
}

/** The same reply, answered after `ms`. */
export function delayed<T extends FakeReply>(ms: number, reply: T): T {
  return { ...reply, delayMs: ms };
}

/** The same reply from a server that reports only some usage, or none (`usageReport`), and maybe no model id. */
export function withUsage(
  report: UsageReport,
  reply: MessageReply,
  options: { omitModel?: boolean } = {},
): MessageReply {
  return { ...reply, usageReport: report, ...(options.omitModel ? { omitModel: true } : {}) };
}

/** llama.cpp's message when a model's output breaks the tool-call or JSON format it was held to. */
export const LLAMA_FORMAT_ERROR =
  'The model produced output that does not match the expected format. Please try again.';

/**
 * A 200 stream that sends `before` blocks and then an error event in llama.cpp's shape:
 * `event: error` with `{ error: { code: 500, message, type: 'server_error' } }` (or `flat`:
 * the same fields at the top level).
 */
export function llamaStreamError(
  options: { before?: FakeBlock[]; message?: string; code?: number; flat?: boolean } = {},
): MessageReply {
  const body = {
    code: options.code ?? 500,
    message: options.message ?? LLAMA_FORMAT_ERROR,
    type: 'server_error',
  };
  return {
    ...message(options.before ?? []),
    ending: { type: 'foreign-error', data: options.flat ? body : { error: body } },
  };
}

/**
 * A reply in the fenced-actions text protocol: optional text, then the code in a ```js block
 * (no tool call), as a model without reliable tool calls answers.
 */
export function fenced(
  source: string,
  options: MessageOptions & { text?: string; lang?: string; after?: string } = {},
): MessageReply {
  const { text: before, lang, after, ...rest } = options;
  const body = [before, `\`\`\`${lang ?? 'js'}\n${source}\n\`\`\``, after].filter(Boolean).join('\n\n');
  return message([{ type: 'text', text: body }], rest);
}

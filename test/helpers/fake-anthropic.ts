/**
 * A fake Anthropic Messages API on loopback, for tests that run the REAL SDK (never mocked).
 * It serves POST /v1/messages as plain JSON or as the exact SSE event sequence of the real API,
 * answers each request with the next scripted reply (or a responder function), records every
 * request, and checks requests the way the API does (cache_control count, tool_use / tool_result
 * pairing, empty text blocks, the API key) so a client bug fails the test with the API's own 400.
 *
 *   const fake = await createFakeAnthropic({ apiKey: 'sk-test-key' });
 *   fake.reply(fake.code('return 1 + 2'), fake.text('The answer is 3'));
 *   const model = createAnthropicModel({ apiKey: 'sk-test-key', baseUrl: fake.url });
 *   ...
 *   await fake.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeReply, FakeUsage, MessageReply } from './fake-anthropic/replies.ts';
import * as replies from './fake-anthropic/replies.ts';
import {
  blockEvents,
  errorJson,
  frame,
  messageEnd,
  messageJson,
  messageStart,
  type WireEvent,
} from './fake-anthropic/sse.ts';
import { type MessagesBody, validateBody } from './fake-anthropic/validate.ts';

export * from './fake-anthropic/replies.ts';
export type { MessagesBody } from './fake-anthropic/validate.ts';

/** One request as the fake received it. */
export interface RecordedRequest {
  /** 0-based, in arrival order. */
  index: number;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The key the client sent: `x-api-key`, or `Authorization: Bearer <key>`. */
  apiKey: string | undefined;
  raw: string;
  /** The parsed body; undefined when the body was rejected. */
  body: MessagesBody | undefined;
  /** True when the client went away before the response ended (abort, timeout). */
  clientClosed: boolean;
}

export type Responder = (request: RecordedRequest & { body: MessagesBody }) => FakeReply | Promise<FakeReply>;

export interface FakeAnthropicOptions {
  /** When set, a request with any other key gets 401 authentication_error. */
  apiKey?: string;
  /** Usage of every reply unless the reply sets its own (defaults: 100 in, 20 out, no cache). */
  usage?: Partial<FakeUsage>;
  /**
   * `refuse`: answer any request with a `cache_control` anywhere with a 400, as a LiteLLM or vLLM
   * server without prompt caching does (default `accept`).
   */
  cacheControl?: 'accept' | 'refuse';
}

/** The 400 message of a server that refuses cache_control (pydantic's, as vLLM and LiteLLM send). */
export const CACHE_CONTROL_REFUSED = 'system.0.cache_control: Extra inputs are not permitted';

export interface FakeAnthropic {
  /** Base URL for the SDK / ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: RecordedRequest[];
  /** Queue replies; each request takes the next one. */
  reply(...replies: FakeReply[]): void;
  /** Answer requests with `responder` once the queue is empty. */
  replyWith(responder: Responder): void;
  /** Replies still queued. */
  pending(): number;
  /** Resolves when at least `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
  text: typeof replies.text;
  code: typeof replies.code;
  toolUses: typeof replies.toolUses;
  message: typeof replies.message;
  httpError: typeof replies.httpError;
  overloaded: typeof replies.overloaded;
  rateLimited: typeof replies.rateLimited;
  streamError: typeof replies.streamError;
  stall: typeof replies.stall;
  drop: typeof replies.drop;
  truncate: typeof replies.truncate;
  delayed: typeof replies.delayed;
  withUsage: typeof replies.withUsage;
  llamaStreamError: typeof replies.llamaStreamError;
  fenced: typeof replies.fenced;
}

const DEFAULT_USAGE: FakeUsage = {
  input_tokens: 100,
  output_tokens: 20,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

/** Start a fake Messages API on 127.0.0.1 at a random port. */
export async function createFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let responder: Responder | undefined;
  let messageCount = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendError(res, 500, 'api_error', `fake-anthropic crashed: ${String(error)}`, noRetry);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      headers,
      apiKey: headers['x-api-key'] || bearer,
      raw,
      body: undefined,
      clientClosed: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosed = true;
    });
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    if (record.method !== 'POST' || record.path !== '/v1/messages') {
      return sendError(
        res,
        404,
        'not_found_error',
        `${record.method} ${record.path} is not served by the fake`,
      );
    }
    if (options.apiKey !== undefined && record.apiKey !== options.apiKey) {
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    }
    if (options.cacheControl === 'refuse' && raw.includes('"cache_control"')) {
      return sendError(res, 400, 'invalid_request_error', CACHE_CONTROL_REFUSED);
    }
    const checked = validateBody(raw);
    if (!checked.ok) return sendError(res, 400, 'invalid_request_error', checked.message);
    record.body = checked.body;

    let reply = queue.shift();
    if (!reply && responder) {
      try {
        reply = await responder({ ...record, body: checked.body });
      } catch (error) {
        return sendError(
          res,
          500,
          'api_error',
          `fake-anthropic: the responder threw: ${String(error)}`,
          noRetry,
        );
      }
    }
    if (!reply) {
      const message = `fake-anthropic has no scripted reply for request #${record.index} (queue one with fake.reply(...) or set fake.replyWith(...))`;
      return sendError(res, 500, 'api_error', message, noRetry);
    }
    if (reply.delayMs && !(await pause(res, reply.delayMs))) return;
    await send(res, reply, checked.body);
  }

  async function send(res: http.ServerResponse, reply: FakeReply, body: MessagesBody): Promise<void> {
    const requestId = { 'request-id': `req_fake_${requests.length}` };
    if (reply.kind === 'http-error') {
      return sendError(res, reply.status, reply.errorType, reply.message, { ...requestId, ...reply.headers });
    }
    if (reply.kind === 'stall') {
      if (reply.afterHeaders) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...requestId });
        res.flushHeaders();
      }
      return closed(res);
    }
    const usage: FakeUsage = { ...DEFAULT_USAGE, ...options.usage, ...reply.usage };
    const n = ++messageCount;
    const ids = { messageId: `msg_fake_${n}`, toolId: (index: number) => `toolu_fake_${n}_${index}` };
    const ending = reply.ending ?? { type: 'complete' };

    if (body.stream !== true) {
      if (ending.type === 'stall') return closed(res);
      if (ending.type === 'drop') return void res.socket?.destroy();
      if (ending.type === 'foreign-error') {
        res.writeHead(500, { 'content-type': 'application/json', ...requestId });
        return void res.end(JSON.stringify(ending.data));
      }
      if (ending.type === 'error') {
        const status =
          ending.errorType === 'overloaded_error' ? 529 : ending.errorType === 'rate_limit_error' ? 429 : 500;
        return sendError(res, status, ending.errorType, ending.message, requestId);
      }
      res.writeHead(200, { 'content-type': 'application/json', ...requestId });
      return void res.end(JSON.stringify(messageJson(reply, body.model, usage, ids)));
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...requestId,
    });
    const events: WireEvent[] = [
      messageStart(reply, body.model, usage, ids),
      ...blockEvents(reply.content, reply.chunkSize ?? 12, ids),
    ];
    if (ending.type === 'complete') events.push(...messageEnd(reply, usage));
    if (ending.type === 'error')
      events.push({ event: 'error', data: errorJson(ending.errorType, ending.message) });
    if (ending.type === 'foreign-error') events.push({ event: 'error', data: ending.data });
    if (!(await write(res, events, reply))) return;
    if (ending.type === 'stall') return closed(res);
    if (ending.type === 'drop') {
      // Let what was written reach the client first, then break the connection.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 10));
      return void res.socket?.destroy();
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...next) => void queue.push(...next),
    replyWith: (fn) => {
      responder = fn;
    },
    pending: () => queue.length,
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    ...replies,
  };
}

const noRetry = { 'x-should-retry': 'false' };

function sendError(
  res: http.ServerResponse,
  status: number,
  errorType: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(errorJson(errorType, message)));
}

/** Write events in order (with the reply's pause between them); false when the client left. */
async function write(res: http.ServerResponse, events: WireEvent[], reply: MessageReply): Promise<boolean> {
  for (const event of events) {
    if (res.destroyed) return false;
    res.write(frame(event));
    if (reply.eventDelayMs && !(await pause(res, reply.eventDelayMs))) return false;
  }
  return !res.destroyed;
}

/** Wait `ms`; false (early) when the client goes away first. */
function pause(res: http.ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** Resolves when the client disconnects (or the fake closes). */
function closed(res: http.ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

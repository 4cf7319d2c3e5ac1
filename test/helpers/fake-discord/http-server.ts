/**
 * The one loopback HTTP server of the fake: REST under `/api/v10`, attachments (the CDN) under
 * `/attachments` and `/ephemeral-attachments`, and the gateway WebSocket upgrade under `/gateway`.
 * Every REST request is recorded; unknown routes answer Discord's 404 and are kept in `unhandled`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AttachmentStore } from './attachments.ts';
import { DiscordError, discordErrors } from './discord-error.ts';
import type { FakeGateway } from './gateway.ts';
import { readBody } from './request-body.ts';
import type { Router } from './router.ts';
import type { RecordedRequest } from './types.ts';

export interface FakeHttpServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly unhandled: RecordedRequest[];
  close(): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  token: string;
  /** Set once the server listens (the router needs the URL to be built). */
  router: () => Router;
  gateway: () => FakeGateway;
  attachments: () => AttachmentStore;
  now: () => number;
}

const API_PREFIX = '/api/v10';

/** discord.js percent-encodes `@` in `/thread-members/@me`; routes are written decoded. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  const unhandled: RecordedRequest[] = [];

  const send = (response: ServerResponse, status: number, body?: unknown) => {
    if (body === undefined || status === 204) {
      response.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    response
      .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      .end(text);
  };

  const serveFile = (request: IncomingMessage, response: ServerResponse, pathname: string) => {
    const file = options.attachments().serve(pathname);
    if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.data.length });
    response.end(request.method === 'HEAD' ? undefined : file.data);
  };

  const handleRest = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const method = request.method ?? 'GET';
    const path = decodePath(url.pathname.slice(API_PREFIX.length) || '/');
    const authorization = request.headers.authorization;
    const record: RecordedRequest = {
      method,
      path,
      route: null,
      query: Object.fromEntries(url.searchParams),
      auth:
        authorization === undefined ? 'none' : authorization === `Bot ${options.token}` ? 'bot' : 'invalid',
      contentType: request.headers['content-type'],
      body: null,
      files: [],
      status: 0,
      at: options.now(),
    };
    requests.push(record);
    let status: number;
    let body: unknown;
    try {
      const parsed = await readBody(request);
      record.body = parsed.json;
      record.files = parsed.files;
      const match = url.pathname.startsWith(`${API_PREFIX}/`)
        ? options.router().match(method, path)
        : undefined;
      if (!match) {
        unhandled.push(record);
        throw discordErrors.notFound();
      }
      record.route = match.route.pattern;
      if (match.route.auth && record.auth !== 'bot') throw discordErrors.unauthorized();
      const result = await match.route.handler({
        params: match.params,
        query: url.searchParams,
        body: parsed.json,
        files: parsed.files,
      });
      status = result.status;
      body = result.body;
    } catch (error) {
      const failure =
        error instanceof DiscordError
          ? error
          : new DiscordError(500, 0, `fake-discord internal error: ${String(error)}`);
      if (!(error instanceof DiscordError)) console.error('fake-discord: route failed', error);
      record.errorCode = failure.code;
      record.errorMessage = failure.message;
      status = failure.status;
      body = failure.toJSON();
    }
    record.status = status;
    send(response, status, body);
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/attachments/') || url.pathname.startsWith('/ephemeral-attachments/')) {
      serveFile(request, response, url.pathname);
      return;
    }
    void handleRest(request, response, url);
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (!url.pathname.startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    options.gateway().handleUpgrade(request, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('fake-discord: the server has no TCP address');
  const url = `http://${options.host}:${address.port}`;

  return {
    url,
    requests,
    unhandled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

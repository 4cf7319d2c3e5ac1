/** A fake embeddings API on loopback (Voyage and OpenAI shapes are alike): scripted statuses, recorded requests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    input: string[];
    model: string;
    input_type?: string;
    dimensions?: number;
    output_dimension?: number;
  };
}

export type Reply = (request: RecordedRequest, res: ServerResponse) => boolean;

/** Deterministic small vectors: one number per input character class, so tests can check order. */
export function fakeVector(text: string, dimensions: number): number[] {
  return Array.from(
    { length: dimensions },
    (_, i) => ((text.charCodeAt(i % Math.max(1, text.length)) || 1) % 7) + i / 100,
  );
}

export async function startFakeEmbeddings(options: { dimensions?: number } = {}) {
  const requests: RecordedRequest[] = [];
  const replies: Reply[] = [];
  const dimensions = options.dimensions ?? 8;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const request: RecordedRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) };
    requests.push(request);
    const scripted = replies.shift();
    if (scripted?.(request, res)) return;
    const dims = request.body.dimensions ?? request.body.output_dimension ?? dimensions;
    // Answer out of order: clients must sort by index.
    const data = request.body.input
      .map((text, index) => ({ index, embedding: fakeVector(text, dims) }))
      .reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data, model: request.body.model }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Queue a scripted reply for the next request. */
    reply(fn: Reply) {
      replies.push(fn);
    },
    status(code: number, body: unknown, headers: Record<string, string> = {}) {
      replies.push((_, res) => {
        res.writeHead(code, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
        return true;
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

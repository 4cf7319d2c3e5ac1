/**
 * An HTTP(S) client for `web.fetch` that enforces the host policy on every hop: the allowlist is checked
 * for the first URL and each redirect, and the resolved address is checked at connect time (through the
 * socket's `lookup`), so DNS tricks cannot reach private addresses. Bodies are read up to a byte limit
 * (after decompression); one time limit covers the whole chain, body and decompression included.
 * Caller headers: `host` is never sent (it would reach virtual hosts the allowlist does not name), and a
 * redirect to another origin keeps only headers that carry no credentials.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addAbortSignal, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ToolError } from '../tool-error.ts';
import { isHostAllowed, isPrivateAddress, normalizeHost } from './host-policy.ts';

export interface FetchPolicy {
  allowedHosts: readonly string[];
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

export interface FetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface FetchResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

/** Fetch under the policy; refusals, timeouts and network errors reject with a ToolError. */
export async function guardedFetch(request: FetchRequest, policy: FetchPolicy): Promise<FetchResponse> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(policy.timeoutMs),
    ...(request.signal ? [request.signal] : []),
  ]);
  let url = checkUrl(request.url, policy);
  let method = (request.method ?? 'GET').toUpperCase();
  let body = request.body;
  let headers = withoutHost(request.headers ?? {});
  for (let hop = 0; ; hop++) {
    const response = await send(url, method, headers, body, policy, signal);
    const location = response.headers.location;
    if (response.statusCode && [301, 302, 303, 307, 308].includes(response.statusCode) && location) {
      response.resume();
      if (hop >= (policy.maxRedirects ?? 5))
        throw new ToolError(`too many redirects (over ${policy.maxRedirects ?? 5})`);
      const next = checkUrl(new URL(location, url).href, policy, url.href);
      if (
        response.statusCode === 303 ||
        ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      if (next.origin !== url.origin) headers = crossOriginHeaders(headers);
      url = next;
      continue;
    }
    const { data, truncated } = await readBody(response, url, policy, signal);
    return {
      url: url.href,
      status: response.statusCode ?? 0,
      headers: flatten(response.headers),
      body: data,
      truncated,
    };
  }
}

function checkUrl(raw: string, policy: FetchPolicy, from?: string): URL {
  const via = from ? ` (redirected from ${from})` : '';
  if (!URL.canParse(raw)) throw new ToolError(`not a valid URL: ${raw}`);
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ToolError(`only http and https URLs can be fetched, not ${url.protocol}${via}`);
  const host = normalizeHost(url.hostname);
  if (!isHostAllowed(host, policy.allowedHosts)) {
    throw new ToolError(
      `host ${host} is not on the allowed list${via}; allowed: ${policy.allowedHosts.join(', ') || '(none)'} (WEB_ALLOWED_HOSTS)`,
    );
  }
  if (!policy.allowPrivate && isIpLiteral(host) && isPrivateAddress(host)) throw privateRefusal(host, host);
  return url;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const refused = policy.allowPrivate
        ? undefined
        : addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused) return callback(privateRefusal(hostname, refused.address), '', 4);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      return first
        ? callback(null, first.address, first.family)
        : callback(new Error(`no address for ${hostname}`), '', 4);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method,
      headers: { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'toolsmith-web-fetch', ...headers },
      lookup,
      // No shared pool: a reused keep-alive socket skips `lookup`, so it could carry a request past
      // the address check (e.g. one opened under another policy). Every request connects afresh.
      agent: false,
      signal,
    });
    req.on('response', resolve);
    req.on('error', (error) => reject(networkError(url, error, policy, signal)));
    req.end(body);
  });
}

async function readBody(
  response: IncomingMessage,
  url: URL,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<{ data: Buffer; truncated: boolean }> {
  const maxBytes = policy.maxBytes;
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decompress =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  // pipeline (not pipe) carries the response's end or error into the decompressor, and the signal
  // destroys the stream being read: a slow compressed body is cut by the time limit too.
  const stream: Readable = addAbortSignal(
    signal,
    decompress ? pipeline(response, decompress, () => {}) : response,
  );
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      if (!Buffer.isBuffer(chunk)) continue;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        response.destroy();
        decompress?.destroy();
        return { data: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    if (signal.aborted) throw networkError(url, asError(error), policy, signal);
    throw new ToolError(
      `reading the response failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { data: Buffer.concat(chunks), truncated: false };
}

function networkError(url: URL, error: Error, policy: FetchPolicy, signal: AbortSignal): ToolError {
  if (error instanceof ToolError) return error;
  if (signal.aborted) {
    const reason =
      signal.reason instanceof Error && signal.reason.name === 'TimeoutError'
        ? `took longer than ${policy.timeoutMs} ms (WEB_TIMEOUT_MS)`
        : 'was cancelled';
    return new ToolError(`fetching ${url.href} ${reason}`);
  }
  return new ToolError(`fetching ${url.href} failed: ${error.message}`);
}

function privateRefusal(host: string, address: string): ToolError {
  return new ToolError(
    `host ${host} resolves to ${address}, a private/loopback/link-local address; refused (WEB_ALLOW_PRIVATE is off)`,
  );
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** Headers that carry no credentials: the only caller headers kept when a redirect changes origin. */
const CROSS_ORIGIN_SAFE = new Set([
  'accept',
  'accept-language',
  'cache-control',
  'content-language',
  'content-type',
  'pragma',
  'user-agent',
]);

/**
 * The caller's headers for another origin: `authorization`, `cookie`, `x-api-key`, `private-token` and
 * every other name that might hold a credential are dropped (a list of what to drop would miss the
 * next API's own key header, so this keeps a list of what is safe instead).
 */
function crossOriginHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([key]) => CROSS_ORIGIN_SAFE.has(key.toLowerCase())),
  );
}

function withoutHost(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== 'host'));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

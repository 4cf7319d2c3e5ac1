/**
 * An HTTP(S) client for `web.fetch` that enforces the host policy on every hop: the allowlist is checked
 * for the first URL and each redirect, and the resolved address is checked at connect time (through the
 * socket's `lookup`), so DNS tricks cannot reach private addresses. Bodies are read up to a byte limit
 * (after decompression); one time limit covers the whole chain.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
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
  let headers = { ...(request.headers ?? {}) };
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
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    const { data, truncated } = await readBody(response, policy.maxBytes, signal);
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
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ data: Buffer; truncated: boolean }> {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const stream: Readable =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? response.pipe(zlib.createGunzip())
      : encoding === 'deflate'
        ? response.pipe(zlib.createInflate())
        : encoding === 'br'
          ? response.pipe(zlib.createBrotliDecompress())
          : response;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      if (!Buffer.isBuffer(chunk)) continue;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        response.destroy();
        return { data: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    if (signal.aborted) throw new ToolError(`the response took too long or was cancelled`);
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
        ? `took longer than ${policy.timeoutMs} ms`
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

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([key]) => !['authorization', 'cookie', 'proxy-authorization'].includes(key.toLowerCase()),
    ),
  );
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

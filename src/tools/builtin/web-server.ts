/**
 * The built-in `web` MCP server: `fetch` of http(s) URLs on the configured allowlist, with redirects
 * re-checked, private addresses refused unless allowed, and size and time limits. Text and JSON come
 * back as such; other content types as a small descriptive object, never raw bytes.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describeError } from '../../errors.ts';
import { type FetchPolicy, guardedFetch } from './guarded-fetch.ts';
import { ok } from './tool-result.ts';

export type WebServerOptions = FetchPolicy;

const TEXTUAL =
  /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|javascript|x-www-form-urlencoded|x-ndjson|yaml|x-yaml|toml|csv))/i;

/** A new web server (one per connection). */
export function createWebServer(options: WebServerOptions): McpServer {
  const server = new McpServer({ name: 'toolsmith-web', version: '0.1.0' });
  server.registerTool(
    'fetch',
    {
      description: `Fetch an http(s) URL. Only these hosts are reachable: ${options.allowedHosts.join(', ')}. Non-2xx statuses are returned (ok: false), not thrown. Bodies over ${options.maxBytes} bytes are cut (truncated: true).`,
      inputSchema: {
        url: z.string().describe('The URL, e.g. "https://api.github.com/repos/nodejs/node"'),
        method: z
          .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
          .optional()
          .describe('Default "GET"'),
        headers: z.record(z.string(), z.string()).optional(),
        body: z
          .string()
          .optional()
          .describe('Request body (e.g. JSON.stringify(data)); set content-type in headers'),
        as: z
          .enum(['auto', 'text', 'json'])
          .optional()
          .describe('How to return the body (default "auto": JSON when the response says so, else text)'),
      },
      outputSchema: {
        url: z.string().describe('The final URL, after redirects'),
        status: z.number(),
        ok: z.boolean(),
        contentType: z.string(),
        headers: z.record(z.string(), z.string()),
        body: z
          .unknown()
          .describe('Text, parsed JSON, or { type: "binary", mimeType, bytes } for other content'),
        bytes: z.number(),
        truncated: z.boolean(),
      },
    },
    (input, extra) =>
      ok(
        async () => {
          const response = await guardedFetch(
            {
              url: input.url,
              ...(input.method ? { method: input.method } : {}),
              ...(input.headers ? { headers: input.headers } : {}),
              ...(input.body !== undefined ? { body: input.body } : {}),
              signal: extra.signal,
            },
            options,
          );
          const contentType = response.headers['content-type'] ?? '';
          const body = decodeBody(response.body, contentType, input.as ?? 'auto', response.truncated);
          return {
            url: response.url,
            status: response.status,
            ok: response.status >= 200 && response.status < 300,
            contentType,
            headers: response.headers,
            body,
            bytes: response.body.length,
            truncated: response.truncated,
          };
        },
        (result) => `${result.status} ${result.url} (${result.bytes} bytes)`,
      ),
  );
  return server;
}

function decodeBody(
  data: Buffer,
  contentType: string,
  as: 'auto' | 'text' | 'json',
  truncated: boolean,
): unknown {
  const mimeType = contentType.split(';')[0]?.trim().toLowerCase() || 'application/octet-stream';
  const isJson = /json/.test(mimeType);
  if (as === 'json' || (as === 'auto' && isJson)) {
    const text = data.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      if (as === 'json') {
        const why = truncated ? 'the body was cut at the size limit' : describeError(error);
        throw new Error(`the response is not valid JSON (${why})`);
      }
      return text;
    }
  }
  if (as === 'text' || TEXTUAL.test(mimeType) || /charset=/i.test(contentType) || data.length === 0)
    return data.toString('utf8');
  if (!contentType.trim()) {
    const text = utf8OrUndefined(data);
    if (text !== undefined) return text;
  }
  return { type: 'binary', mimeType, bytes: data.length };
}

/** The bytes as text when they are valid UTF-8 without NUL characters (untyped responses). */
function utf8OrUndefined(data: Buffer): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * The built-in web server through the hub, against HTTP servers on loopback: allowlist, private
 * addresses, redirects re-checked, size and time limits, text/JSON/binary bodies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHostAllowed, isPrivateAddress } from '../../src/tools/builtin/host-policy.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';

let server: http.Server;
let port: number;
const seen: string[] = [];
/** The headers of each request to `/headers`, as the server got them. */
const headersSeen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/json':
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ hello: 'world', n: 1 }));
      case '/text':
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        return res.end('plain text é');
      case '/gzip':
        res.setHeader('content-type', 'text/plain');
        res.setHeader('content-encoding', 'gzip');
        return res.end(zlib.gzipSync('unzipped body'));
      case '/binary':
        res.setHeader('content-type', 'image/png');
        return res.end(Buffer.alloc(64));
      case '/big':
        res.setHeader('content-type', 'text/plain');
        return res.end('y'.repeat(5000));
      case '/bomb':
        res.setHeader('content-type', 'text/plain');
        res.setHeader('content-encoding', 'gzip');
        return res.end(zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024)));
      case '/missing':
        res.statusCode = 404;
        return res.end('not here');
      case '/echo-post':
        return void req
          .on('data', () => {})
          .on('end', () => res.end(`${req.method} ${req.headers['content-type']}`));
      case '/slow':
        return void setTimeout(() => res.end('late'), 2000);
      case '/slow-gzip': {
        // Headers and the first compressed bytes at once, then nothing for 10 s.
        res.setHeader('content-type', 'text/plain');
        res.setHeader('content-encoding', 'gzip');
        const gzip = zlib.createGzip();
        gzip.pipe(res);
        gzip.write('the start of a long body ');
        gzip.flush();
        return void setTimeout(() => gzip.end('and its end'), 10_000).unref();
      }
      case '/headers':
        headersSeen.push(req.headers);
        return res.end('ok');
      case '/redirect':
        res.statusCode = 302;
        res.setHeader('location', url.searchParams.get('to') ?? '/text');
        return res.end();
      default:
        res.statusCode = 500;
        return res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

async function webHub(
  allowedHosts: string[],
  allowPrivate: boolean,
  extra: { maxBytes?: number; timeoutMs?: number } = {},
): Promise<ToolHub> {
  return createToolHub({
    workspace: false,
    // Above the web limits: a fetch that overruns WEB_TIMEOUT_MS must fail by it, not by this.
    callTimeoutMs: 4000,
    web: {
      allowedHosts,
      allowPrivate,
      maxBytes: extra.maxBytes ?? 100_000,
      timeoutMs: extra.timeoutMs ?? 5000,
    },
  });
}

describe('web.fetch on an allowed host', () => {
  let hub: ToolHub;
  beforeAll(async () => {
    hub = await webHub(['127.0.0.1'], true, { maxBytes: 1000, timeoutMs: 500 });
  });
  afterAll(() => hub.close());
  const fetch = (input: Record<string, unknown>) =>
    hub.call('web', 'fetch', input, { workspaceDir: '/unused' });
  const at = (p: string) => `http://127.0.0.1:${port}${p}`;

  it('returns JSON parsed, text as text, gzip decoded, binary described', async () => {
    expect(await fetch({ url: at('/json') })).toMatchObject({
      status: 200,
      ok: true,
      contentType: 'application/json',
      body: { hello: 'world', n: 1 },
      truncated: false,
    });
    expect(await fetch({ url: at('/text') })).toMatchObject({ body: 'plain text é', bytes: 13 });
    expect(await fetch({ url: at('/gzip') })).toMatchObject({ body: 'unzipped body' });
    expect(await fetch({ url: at('/binary') })).toMatchObject({
      body: { type: 'binary', mimeType: 'image/png', bytes: 64 },
    });
    expect(await fetch({ url: at('/json'), as: 'text' })).toMatchObject({ body: '{"hello":"world","n":1}' });
    await expect(fetch({ url: at('/text'), as: 'json' })).rejects.toThrow(/not valid JSON/);
  });

  it('returns non-2xx statuses instead of throwing, and sends methods and bodies', async () => {
    expect(await fetch({ url: at('/missing') })).toMatchObject({ status: 404, ok: false, body: 'not here' });
    expect(
      await fetch({
        url: at('/echo-post'),
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    ).toMatchObject({
      body: 'POST application/json',
    });
  });

  it('cuts bodies at the byte limit, also after decompression', async () => {
    // A hub of its own with time to spare: WEB_TIMEOUT_MS covers decompression too, and a loaded
    // machine must not turn this size check into a time-limit failure.
    const roomy = await webHub(['127.0.0.1'], true, { maxBytes: 1000, timeoutMs: 10_000 });
    try {
      const get = (url: string) => roomy.call('web', 'fetch', { url }, { workspaceDir: '/unused' });
      expect(await get(at('/big'))).toMatchObject({ bytes: 1000, truncated: true });
      expect(await get(at('/bomb'))).toMatchObject({ bytes: 1000, truncated: true });
    } finally {
      await roomy.close();
    }
  });

  it('stops at the time limit', async () => {
    await expect(fetch({ url: at('/slow') })).rejects.toThrow(
      `fetching ${at('/slow')} took longer than 500 ms`,
    );
  });

  it('cuts a slow gzip-encoded body at the time limit (the abort reaches the decompression)', async () => {
    await expect(fetch({ url: at('/slow-gzip') })).rejects.toThrow(
      `fetching ${at('/slow-gzip')} took longer than 500 ms (WEB_TIMEOUT_MS)`,
    );
  });

  it('never forwards a caller-set host header', async () => {
    headersSeen.length = 0;
    await fetch({ url: at('/headers'), headers: { Host: 'internal.example', accept: 'text/plain' } });
    expect(headersSeen[0]).toMatchObject({ host: `127.0.0.1:${port}`, accept: 'text/plain' });
  });

  it('follows redirects on allowed hosts, dropping credentials across origins', async () => {
    seen.length = 0;
    expect(
      await fetch({ url: at('/redirect?to=/text'), headers: { authorization: 'Bearer t' } }),
    ).toMatchObject({ url: at('/text'), body: 'plain text é' });
    expect(seen).toEqual(['GET /redirect?to=/text auth=Bearer t', 'GET /text auth=Bearer t']);
  });

  it('drops credentials when a redirect changes origin', async () => {
    const both = await webHub(['127.0.0.1', 'localhost'], true);
    try {
      seen.length = 0;
      const to = encodeURIComponent(`http://localhost:${port}/text`);
      const result = await both.call(
        'web',
        'fetch',
        { url: at(`/redirect?to=${to}`), headers: { authorization: 'Bearer t' } },
        { workspaceDir: '/unused' },
      );
      expect(result).toMatchObject({ url: `http://localhost:${port}/text`, body: 'plain text é' });
      expect(seen).toEqual([`GET /redirect?to=${to} auth=Bearer t`, 'GET /text auth=']);
    } finally {
      await both.close();
    }
  });

  it('drops every credential-bearing header, and host, when a redirect changes origin', async () => {
    const both = await webHub(['127.0.0.1', 'localhost'], true);
    try {
      headersSeen.length = 0;
      const credentials = {
        authorization: 'Bearer a',
        'Proxy-Authorization': 'Basic b',
        cookie: 'session=c',
        'X-Api-Key': 'key-d',
        'private-token': 'glpat-e',
        'x-goog-api-key': 'f',
      };
      const headers = { ...credentials, host: 'internal.example', accept: 'application/json' };
      const to = encodeURIComponent(`http://localhost:${port}/headers`);
      await both.call(
        'web',
        'fetch',
        { url: at(`/redirect?to=${to}`), headers },
        { workspaceDir: '/unused' },
      );
      await both.call('web', 'fetch', { url: at('/headers'), headers }, { workspaceDir: '/unused' });
      const [crossOrigin, sameOrigin] = headersSeen;
      expect(crossOrigin).toMatchObject({ host: `localhost:${port}`, accept: 'application/json' });
      for (const name of Object.keys(credentials))
        expect(crossOrigin, name).not.toHaveProperty(name.toLowerCase());
      // The same headers to the origin they were meant for arrive (host aside).
      expect(sameOrigin).toMatchObject({
        host: `127.0.0.1:${port}`,
        'x-api-key': 'key-d',
        'private-token': 'glpat-e',
      });
    } finally {
      await both.close();
    }
  });

  it('re-checks every redirect against the allowlist', async () => {
    const to = encodeURIComponent(`http://localhost:${port}/text`);
    await expect(fetch({ url: at(`/redirect?to=${to}`) })).rejects.toThrow(
      `host localhost is not on the allowed list (redirected from ${at(`/redirect?to=${to}`)}); allowed: 127.0.0.1 (WEB_ALLOWED_HOSTS)`,
    );
  });

  it('refuses other schemes and hosts', async () => {
    await expect(fetch({ url: 'file:///etc/passwd' })).rejects.toThrow(
      'only http and https URLs can be fetched, not file:',
    );
    await expect(fetch({ url: 'https://example.com/' })).rejects.toThrow(
      'host example.com is not on the allowed list',
    );
    await expect(fetch({ url: 'not a url' })).rejects.toThrow('not a valid URL: not a url');
  });
});

describe('private addresses', () => {
  it('refuses loopback even when the host is allowed, unless WEB_ALLOW_PRIVATE', async () => {
    const hub = await webHub(['127.0.0.1', 'localhost', '[::1]'], false);
    try {
      const fetch = (url: string) => hub.call('web', 'fetch', { url }, { workspaceDir: '/unused' });
      seen.length = 0;
      await expect(fetch(`http://127.0.0.1:${port}/text`)).rejects.toThrow(
        /host 127.0.0.1 resolves to 127.0.0.1, a private\/loopback\/link-local address; refused/,
      );
      await expect(fetch(`http://localhost:${port}/text`)).rejects.toThrow(
        /host localhost resolves to (127.0.0.1|::1), a private/,
      );
      await expect(fetch(`http://[::1]:${port}/text`)).rejects.toThrow(/resolves to ::1/);
      expect(seen).toEqual([]); // nothing reached the server
    } finally {
      await hub.close();
    }
  });

  it('refuses IPv6 spellings of private IPv4 addresses: NAT64, IPv4-compatible, IPv4-mapped', async () => {
    const literals = [
      '[64:ff9b::a9fe:a9fe]',
      '[64:ff9b::7f00:1]',
      '[::7f00:1]',
      '[::169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '[64:ff9b:1::808:808]',
    ];
    const hub = await webHub(literals, false);
    try {
      for (const literal of literals) {
        const address = literal.slice(1, -1);
        await expect(
          hub.call('web', 'fetch', { url: `http://${literal}:${port}/text` }, { workspaceDir: '/unused' }),
        ).rejects.toThrow(/, a private\/loopback\/link-local address; refused/);
        expect(isPrivateAddress(address), address).toBe(true);
      }
    } finally {
      await hub.close();
    }
  });

  it('classifies addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '64:ff9b::10.0.0.1',
      '64:ff9b:1::8.8.8.8', // local-use NAT64
      '::169.254.169.254', // IPv4-compatible
      '::a9fe:a9fe',
      '::7f00:1',
      '::ffff:0:7f00:1', // SIIT
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      '::',
      'nonsense',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('matches the allowlist exactly or by *. subdomain', () => {
    expect(isHostAllowed('api.github.com', ['*.github.com'])).toBe(true);
    expect(isHostAllowed('github.com', ['*.github.com'])).toBe(false);
    expect(isHostAllowed('evilgithub.com', ['*.github.com'])).toBe(false);
    expect(isHostAllowed('GitHub.com.', ['github.com'])).toBe(true);
    expect(isHostAllowed('github.com', [])).toBe(false);
  });
});

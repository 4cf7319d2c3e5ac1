/**
 * Remote servers: server-everything in its streamable HTTP and SSE modes on loopback. A `type: "http"`
 * server that only speaks the old SSE transport is reached through the fallback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { HttpServerConfig } from '../../src/tools/mcp-config.ts';
import type { ToolHub } from '../../src/tools/types.ts';

const everything = path.resolve(
  import.meta.dirname,
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Start server-everything in `mode` on a free port; resolves once it says it listens. */
async function startEverything(mode: 'streamableHttp' | 'sse'): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [everything, mode], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`server-everything ${mode} did not start: ${text}`)),
      15_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/listening|running/i.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server-everything ${mode} exited with ${code}: ${text}`)));
  });
  return port;
}

function remote(name: string, transport: 'http' | 'sse', url: string): HttpServerConfig {
  return {
    name,
    transport,
    url,
    headers: { 'x-toolsmith-test': '1' },
    enabled: true,
    allowedTools: undefined,
    disabledTools: [],
    timeoutMs: undefined,
    connectTimeoutMs: undefined,
  };
}

let httpPort: number;
let ssePort: number;
beforeAll(async () => {
  [httpPort, ssePort] = await Promise.all([startEverything('streamableHttp'), startEverything('sse')]);
}, 30_000);
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

async function check(hub: ToolHub, name: string): Promise<void> {
  const server = hub.servers().find((s) => s.name === name);
  expect(server?.error).toBeUndefined();
  expect(server?.status).toBe('connected');
  expect(await hub.call(name, 'getSum', { a: 40, b: 2 }, { workspaceDir: '/unused' })).toBe(
    'The sum of 40 and 2 is 42.',
  );
}

describe('remote servers', () => {
  it('connects over streamable HTTP', async () => {
    const hub = await createToolHub({
      workspace: false,
      servers: [remote('remote', 'http', `http://127.0.0.1:${httpPort}/mcp`)],
    });
    try {
      await check(hub, 'remote');
    } finally {
      await hub.close();
    }
  });

  it('connects over SSE when configured so, and falls back to SSE for an http server that only speaks SSE', async () => {
    const hub = await createToolHub({
      workspace: false,
      servers: [
        remote('legacy', 'sse', `http://127.0.0.1:${ssePort}/sse`),
        remote('fallback', 'http', `http://127.0.0.1:${ssePort}/sse`),
      ],
    });
    try {
      await check(hub, 'legacy');
      await check(hub, 'fallback');
    } finally {
      await hub.close();
    }
  });

  it('reports an unreachable URL with both attempts', async () => {
    const port = await freePort();
    const hub = await createToolHub({
      workspace: false,
      servers: [remote('down', 'http', `http://127.0.0.1:${port}/mcp`)],
      connectTimeoutMs: 3000,
    });
    try {
      const server = hub.servers().find((s) => s.name === 'down');
      expect(server?.status).toBe('failed');
      expect(server?.error).toMatch(/^streamable HTTP: .+; SSE: .+/);
    } finally {
      await hub.close();
    }
  });
});

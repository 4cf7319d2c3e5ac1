/**
 * The hub with in-process McpServers (the same client path as every server): results, isError,
 * oversize results, unknown names, bad arguments, tools/list_changed, tool filters and statuses.
 */
import { getEventListeners } from 'node:events';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SerializedJson } from '../../src/sandbox/serialized-json.ts';
import { createToolHub, type ToolHubOptions } from '../../src/tools/create-tool-hub.ts';
import type { McpServerConfig } from '../../src/tools/mcp-config.ts';
import type { HubEvent, ToolCallEvent, ToolHub } from '../../src/tools/types.ts';

const workspaceDir = '/tmp/toolsmith-hub-unused';
const hubs: ToolHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

/** A server with tools of each result kind; `live` receives the instance of the current connection. */
function createKitchen(live: { server?: McpServer } = {}): McpServer {
  const server = new McpServer({ name: 'kitchen', version: '1.0.0' });
  live.server = server;
  server.registerTool('text', { description: 'Plain text.' }, async () => ({
    content: [{ type: 'text', text: 'hello' }],
  }));
  server.registerTool('json-text', { description: 'JSON in a text part.' }, async () => ({
    content: [{ type: 'text', text: '{"a":[1,2]}' }],
  }));
  server.registerTool('empty', { description: 'No content.' }, async () => ({ content: [] }));
  server.registerTool('fail', { description: 'isError.' }, async () => ({
    content: [{ type: 'text', text: 'rate limited: try again in 30 s' }],
    isError: true,
  }));
  server.registerTool('throws', { description: 'Throws in the handler.' }, async () => {
    throw new Error('database is locked');
  });
  server.registerTool(
    'big',
    { description: 'A result of n characters.', inputSchema: { n: z.number().int() } },
    async ({ n }) => ({ content: [{ type: 'text', text: 'x'.repeat(n) }] }),
  );
  server.registerTool(
    'typed',
    { description: 'Validates input.', inputSchema: { count: z.number().int().min(1) } },
    async ({ count }) => ({ content: [{ type: 'text', text: String(count * 2) }] }),
  );
  server.registerTool('media', { description: 'Binary parts.' }, async () => ({
    content: [
      { type: 'audio', data: Buffer.from('RIFF....WAVE').toString('base64'), mimeType: 'audio/wav' },
      { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'inline text' } },
      { type: 'resource', resource: { uri: 'file:///b.bin', blob: Buffer.alloc(300).toString('base64') } },
      { type: 'resource_link', uri: 'file:///c.pdf', name: 'c.pdf', mimeType: 'application/pdf' },
    ],
  }));
  return server;
}

async function hubWith(options: ToolHubOptions): Promise<ToolHub> {
  const hub = await createToolHub({ workspace: false, ...options });
  hubs.push(hub);
  return hub;
}

describe('results', () => {
  it('unwraps text, JSON text, empty and binary results', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    const call = (tool: string, input?: unknown) => hub.call('kitchen', tool, input, { workspaceDir });
    expect(await call('text')).toBe('hello');
    expect(await call('jsonText')).toEqual({ a: [1, 2] });
    expect(await call('empty')).toBeNull();
    expect(await call('typed', { count: 21 })).toBe(42);
    expect(await call('media')).toEqual([
      { type: 'audio', mimeType: 'audio/wav', bytes: 12 },
      { type: 'resource', uri: 'file:///a.txt', mimeType: 'text/plain', text: 'inline text' },
      { type: 'resource', mimeType: 'application/octet-stream', uri: 'file:///b.bin', bytes: 300 },
      { type: 'resource_link', uri: 'file:///c.pdf', name: 'c.pdf', mimeType: 'application/pdf' },
    ]);
  });

  it('turns isError results, handler errors and invalid input into ToolErrors with the tool message', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    const events: ToolCallEvent[] = [];
    const options = { workspaceDir, onCall: (event: ToolCallEvent) => events.push(event) };
    const failure = await hub.call('kitchen', 'fail', {}, options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'ToolError', message: 'rate limited: try again in 30 s' });
    await expect(hub.call('kitchen', 'throws', {}, options)).rejects.toThrow('database is locked');
    await expect(hub.call('kitchen', 'typed', { count: 0 }, options)).rejects.toThrow(/count/);
    expect(events.filter((e) => e.phase === 'end').map((e) => e.ok)).toEqual([false, false, false]);
    expect(events.find((e) => e.phase === 'end')?.error).toBe('rate limited: try again in 30 s');
  });

  it('refuses a result over the size limit, and the hub keeps working', async () => {
    const hub = await hubWith({
      maxResultChars: 1000,
      inProcess: [{ name: 'kitchen', create: () => createKitchen() }],
    });
    await expect(hub.call('kitchen', 'big', { n: 5000 }, { workspaceDir })).rejects.toThrow(
      'tools.kitchen.big returned 5002 characters, over the 1000-character limit; ask for less',
    );
    expect(await hub.call('kitchen', 'big', { n: 10 }, { workspaceDir })).toBe('x'.repeat(10));
  });
});

describe('signals', () => {
  it('leaves no listener on a signal shared by many calls (a sandbox run passes one to all)', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    const run = new AbortController();
    for (let i = 0; i < 50; i++) await hub.call('kitchen', 'text', {}, { workspaceDir, signal: run.signal });
    await hub.call('kitchen', 'fail', {}, { workspaceDir, signal: run.signal }).catch(() => {});
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('cancels a call whose signal aborts', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    const run = new AbortController();
    const pending = hub.call('kitchen', 'big', { n: 1 }, { workspaceDir, signal: run.signal });
    run.abort();
    await expect(pending).rejects.toThrow('kitchen.big was cancelled');
    expect(await hub.call('kitchen', 'text', {}, { workspaceDir })).toBe('hello');
  });
});

describe('names and arguments', () => {
  it('explains unknown servers and tools with close names', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    await expect(hub.call('kitchn', 'text', {}, { workspaceDir })).rejects.toThrow(
      'unknown tool server "kitchn"; did you mean kitchen?',
    );
    await expect(hub.call('kitchen', 'json_txt', {}, { workspaceDir })).rejects.toThrow(
      'unknown tool tools.kitchen.json_txt; did you mean jsonText?',
    );
    await expect(hub.call('kitchen', 'zzzzzz', {}, { workspaceDir })).rejects.toThrow(
      /; its tools are: text, jsonText, empty/,
    );
  });

  it('requires one object argument', async () => {
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen() }] });
    await expect(hub.call('kitchen', 'typed', 5, { workspaceDir })).rejects.toThrow(
      'tools.kitchen.typed takes one object argument, e.g. tools.kitchen.typed({ ... })',
    );
    const binding = hub.provider({ workspaceDir }).bindings['kitchen.typed'];
    const context = {
      name: 'tools.kitchen.typed',
      signal: new AbortController().signal,
      evaluate: async () => {},
      pauseWall: <T>(waiting: Promise<T>) => waiting,
    };
    expect(() => binding?.([{ count: 1 }, 'extra'], context)).toThrow(/takes one object argument/);
    // For the sandbox the result is serialised once, here; the boundary hands this text over as it is.
    expect(await binding?.([{ count: 4 }], context)).toEqual(new SerializedJson('8'));
  });
});

describe('tool lists', () => {
  it('follows tools/list_changed: new declarations, new bindings, an event', async () => {
    const live: { server?: McpServer } = {};
    const hub = await hubWith({ inProcess: [{ name: 'kitchen', create: () => createKitchen(live) }] });
    const events: HubEvent[] = [];
    hub.subscribe((event) => events.push(event));
    expect(hub.declarations()).not.toContain('added(');
    live.server?.registerTool('added', { description: 'Registered later.' }, async () => ({
      content: [{ type: 'text', text: 'new' }],
    }));
    await expect.poll(() => events.some((e) => e.type === 'tools-changed')).toBe(true);
    expect(hub.declarations()).toContain(
      '/** Registered later. */\n    added(input?: {}): Promise<unknown>;',
    );
    expect(Object.keys(hub.provider({ workspaceDir }).bindings)).toContain('kitchen.added');
    expect(await hub.call('kitchen', 'added', {}, { workspaceDir })).toBe('new');
  });

  it('applies allowedTools and disabledTools from the config', async () => {
    // Configured servers are stdio/http; the filters live in the connection, tested here through a stdio-free path:
    const everything = {
      name: 'filtered',
      transport: 'stdio',
      command: process.execPath,
      args: [
        new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url)
          .pathname,
        'stdio',
      ],
      env: {},
      cwd: undefined,
      enabled: true,
      allowedTools: ['echo', 'get-sum', 'get-env'],
      disabledTools: ['get-env'],
      timeoutMs: undefined,
      connectTimeoutMs: undefined,
    } satisfies McpServerConfig;
    const hub = await hubWith({ servers: [everything] });
    expect(
      hub
        .servers()
        .find((s) => s.name === 'filtered')
        ?.tools.map((t) => t.name),
    ).toEqual(['echo', 'get-sum']);
    await expect(hub.call('filtered', 'get-env', {}, { workspaceDir })).rejects.toThrow(
      /unknown tool tools.filtered.get-env/,
    );
  });

  it('reports disabled servers and the web tool being off', async () => {
    const off = {
      name: 'off',
      transport: 'http',
      url: 'https://mcp.example.com/mcp',
      headers: {},
      enabled: false,
      allowedTools: undefined,
      disabledTools: [],
      timeoutMs: undefined,
      connectTimeoutMs: undefined,
    } satisfies McpServerConfig;
    const hub = await hubWith({
      servers: [off],
      web: { allowedHosts: [], allowPrivate: false, maxBytes: 1, timeoutMs: 100 },
    });
    expect(hub.servers().map((s) => [s.name, s.status, s.error])).toEqual([
      ['web', 'disabled', 'off: no host is allowed (set WEB_ALLOWED_HOSTS to turn it on)'],
      ['off', 'disabled', 'disabled in the MCP servers file'],
    ]);
    await expect(hub.call('web', 'fetch', { url: 'https://example.com' }, { workspaceDir })).rejects.toThrow(
      'tool server "web" is off: no host is allowed',
    );
    expect(hub.declarations()).toContain('declare const tools: {};');
  });
});

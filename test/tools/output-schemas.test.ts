/**
 * Tools' output schemas through the hub: the structured result is checked against the schema the
 * server listed (compiled when a result first needs it, per connection), a result that does not
 * match fails that call, and a schema that does not compile fails only its own tool's calls.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';

const workspaceDir = '/tmp/toolsmith-hub-unused';
const COUNT = { type: 'object' as const, properties: { count: { type: 'integer' } }, required: ['count'] };

const TOOLS: Tool[] = [
  { name: 'good', inputSchema: { type: 'object' }, outputSchema: COUNT },
  { name: 'wrong', inputSchema: { type: 'object' }, outputSchema: COUNT },
  {
    name: 'broken-schema',
    inputSchema: { type: 'object' },
    outputSchema: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } },
  },
  { name: 'plain', inputSchema: { type: 'object' } },
];

function createServer(): Server {
  const server = new Server({ name: 'shapes', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const structured = request.params.name === 'wrong' ? { count: 'many' } : { count: 3, a: 1 };
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
  });
  return server;
}

let hub: ToolHub | undefined;
afterEach(async () => {
  await hub?.close();
});

describe('output schemas', () => {
  it('checks structured results against the listed schema; a broken schema fails only its tool', async () => {
    hub = await createToolHub({ workspace: false, inProcess: [{ name: 'shapes', create: createServer }] });
    expect(hub.servers().find((s) => s.name === 'shapes')?.status).toBe('connected');
    expect(await hub.call('shapes', 'good', {}, { workspaceDir })).toEqual({ count: 3, a: 1 });
    await expect(hub.call('shapes', 'wrong', {}, { workspaceDir })).rejects.toThrow(
      /Structured content does not match the tool's output schema: .*count must be integer/,
    );
    await expect(hub.call('shapes', 'broken-schema', {}, { workspaceDir })).rejects.toThrow(
      /Failed to validate structured content: can't resolve reference #\/definitions\/missing/,
    );
    // The server and its other tools go on.
    expect(await hub.call('shapes', 'plain', {}, { workspaceDir })).toEqual({ count: 3, a: 1 });
    expect(await hub.call('shapes', 'good', {}, { workspaceDir })).toEqual({ count: 3, a: 1 });
    expect(hub.servers().find((s) => s.name === 'shapes')?.status).toBe('connected');
  });

  it("keeps each server's schemas to itself: a schema with another server's $id does not replace it", async () => {
    const ID = 'https://example.com/schemas/count';
    /** A server whose `count` tool declares `$id` ID for a count of `type` and returns `value`. */
    const server = (type: string, value: unknown) => () => {
      const s = new Server({ name: `count-${type}`, version: '1.0.0' }, { capabilities: { tools: {} } });
      const outputSchema = {
        $id: ID,
        type: 'object' as const,
        properties: { count: { type } },
        required: ['count'],
      };
      s.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: [{ name: 'count', inputSchema: { type: 'object' }, outputSchema }],
      }));
      s.setRequestHandler(CallToolRequestSchema, async () => ({
        content: [{ type: 'text', text: JSON.stringify({ count: value }) }],
        structuredContent: { count: value },
      }));
      return s;
    };
    hub = await createToolHub({
      workspace: false,
      inProcess: [
        { name: 'numbers', create: server('integer', 3) },
        // A server that claims the same $id for a different schema, called first.
        { name: 'impostor', create: server('string', 'three') },
      ],
    });
    expect(await hub.call('impostor', 'count', {}, { workspaceDir })).toEqual({ count: 'three' });
    expect(await hub.call('numbers', 'count', {}, { workspaceDir })).toEqual({ count: 3 });
  });
});

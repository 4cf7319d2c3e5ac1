/**
 * Tools called from sandboxed code, as the agent's code calls them: the real isolated-vm sandbox, the
 * hub's bindings and prelude, server-everything over stdio and in-process servers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolCallEvent, ToolHub } from '../../src/tools/types.ts';
import { EVERYTHING_SERVER, stdioServer } from '../helpers/stdio-server.ts';

const live: { server?: McpServer; cancelled: number } = { cancelled: 0 };
function createHelper(): McpServer {
  const server = new McpServer({ name: 'helper', version: '1.0.0' });
  live.server = server;
  server.registerTool('fail', { description: 'Reports an error.' }, async () => ({
    content: [{ type: 'text', text: 'quota exceeded for today' }],
    isError: true,
  }));
  server.registerTool('hang', { description: 'Waits until cancelled.' }, async (extra) => {
    await new Promise<void>((resolve) =>
      extra.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    live.cancelled++;
    return { content: [] };
  });
  return server;
}

let hub: ToolHub;
let workspaceDir: string;
let sandbox: Sandbox;
const events: ToolCallEvent[] = [];

beforeAll(async () => {
  workspaceDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-tools-'));
  hub = await createToolHub({
    servers: [stdioServer('everything', [EVERYTHING_SERVER, 'stdio'])],
    inProcess: [{ name: 'helper', create: createHelper }],
  });
  // The provider is taken again at each run, as a task session does with each message.
  sandbox = createSandbox({
    providers: () => [hub.provider({ workspaceDir, onCall: (event) => events.push(event) })],
    limits: { wallMs: 10_000 },
  });
});
afterAll(async () => {
  sandbox.dispose();
  await hub.close();
  await rm(workspaceDir, { recursive: true, force: true });
});

async function run(code: string) {
  const result = await sandbox.run(code);
  return result;
}

describe('tools from sandboxed code', () => {
  it('calls server-everything tools and gets unwrapped results', async () => {
    const result = await run(`
      const echo = await tools.everything.echo({ message: 'from the sandbox' });
      const sum = await tools.everything.getSum({ a: 20, b: 22 });
      const weather = await tools.everything.getStructuredContent({ location: 'Los Angeles' });
      const image = await tools.everything.getTinyImage();
      return { echo, sum, weather, image };
    `);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({
      echo: 'Echo: from the sandbox',
      sum: 'The sum of 20 and 22 is 42.',
      weather: { temperature: 73, conditions: 'Sunny / Clear', humidity: 48 },
      image: [
        "Here's the image you requested:",
        { type: 'image', mimeType: 'image/png', bytes: expect.any(Number) },
        'The image above is the MCP logo.',
      ],
    });
  });

  it('runs several calls in parallel, a long-running one included', async () => {
    events.length = 0;
    const result = await run(`
      const started = Date.now();
      const results = await Promise.all([
        tools.everything.triggerLongRunningOperation({ duration: 0.4, steps: 2 }),
        ...Array.from({ length: 8 }, (_, i) => tools.everything.getSum({ a: i, b: 1 })),
        tools.everything.echo({ message: 'x' }),
      ]);
      return { results, ms: Date.now() - started };
    `);
    expect(result.error).toBeUndefined();
    const data = result.data as { results: string[]; ms: number };
    expect(data.results[0]).toMatch(/Long running operation completed/);
    expect(data.results.slice(1, 9)).toEqual(
      Array.from({ length: 8 }, (_, i) => `The sum of ${i} and 1 is ${i + 1}.`),
    );
    expect(data.ms).toBeLessThan(2000); // overlapped, not 0.4 s + 9 round trips in a row
    expect(events.filter((e) => e.phase === 'end' && e.ok)).toHaveLength(10);
  });

  it('throws a ToolError for isError results, catchable with instanceof', async () => {
    const result = await run(`
      try {
        await tools.helper.fail();
        return 'no error';
      } catch (error) {
        return [error instanceof ToolError, error instanceof Error, error.name, error.message];
      }
    `);
    expect(result.data).toEqual([true, true, 'ToolError', 'quota exceeded for today']);
    const uncaught = await run('await tools.helper.fail();');
    expect(uncaught.ok).toBe(false);
    expect(uncaught.error).toMatchObject({ name: 'ToolError', message: 'quota exceeded for today' });
  });

  it('explains unknown tools and servers with close names', async () => {
    const tool = await run('await tools.everything.getSun({ a: 1, b: 2 });');
    expect(tool.error).toMatchObject({
      name: 'ToolError',
      message: 'unknown tool tools.everything.getSun; did you mean getSum?',
    });
    const server = await run("await tools.evrything.echo({ message: 'x' });");
    expect(server.error?.message).toBe(
      'unknown tool server tools.evrything; did you mean everything? Servers: workspace, helper, everything, web',
    );
    const web = await run("await tools.web.fetch({ url: 'https://example.com' });");
    expect(web.error?.message).toBe(
      'unknown tool tools.web.fetch: tool server web is off: no host is allowed (set WEB_ALLOWED_HOSTS to turn it on)',
    );
  });

  it('leaves tools inspectable and awaitable without tripping the guards', async () => {
    const result = await run(`
      const t = await tools; // reads .then
      console.log(tools.everything);
      return [typeof t, Object.keys(tools), JSON.stringify(tools.helper), 'echo' in tools.everything, tools.everything.hasOwnProperty('echo')];
    `);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(['object', ['workspace', 'helper', 'everything', 'web'], '{}', true, true]);
    expect(result.logs[0]?.text).toContain('echo: [AsyncFunction: echo]');
  });

  it('reaches the workspace of its session', async () => {
    const result = await run(`
      await tools.workspace.write({ path: 'out/report.md', content: '# Report' });
      const { entries } = await tools.workspace.list({ recursive: true });
      return entries.map((e) => e.path);
    `);
    expect(result.data).toEqual(['out', 'out/report.md']);
    expect(await readFile(path.join(workspaceDir, 'out/report.md'), 'utf8')).toBe('# Report');
    const climb = await run("await tools.workspace.readText({ path: '../../etc/passwd' });");
    expect(climb.error).toMatchObject({ name: 'ToolError', message: expect.stringContaining('climbs out') });
  });

  it('cancels a tool call in flight when the run hits its wall limit', async () => {
    const before = live.cancelled;
    const result = await sandbox.run('await tools.helper.hang();', { limits: { wallMs: 300 } });
    expect(result.error?.limit).toBe('wall');
    await expect.poll(() => live.cancelled).toBe(before + 1);
    const after = await run("return await tools.everything.echo({ message: 'still fine' });");
    expect(after.data).toBe('Echo: still fine');
  });

  it('provides new tools after tools/list_changed, and again after a reset', async () => {
    live.server?.registerTool('added', { description: 'Added later.' }, async () => ({
      content: [{ type: 'text', text: '"fresh"' }],
    }));
    await expect.poll(() => Object.keys(hub.provider({ workspaceDir }).bindings)).toContain('helper.added');
    expect((await run('return await tools.helper.added();')).data).toBe('fresh');
    await sandbox.reset();
    expect((await run('return await tools.helper.added();')).data).toBe('fresh');
    expect((await run('await tools.helper.nope();')).error?.message).toMatch(
      /unknown tool tools.helper.nope/,
    );
  });
});

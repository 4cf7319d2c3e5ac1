/**
 * `toolsmith tools` and `toolsmith sandbox` as a user runs them: child processes on Node 24 with an
 * mcp.json in a temporary folder (server-everything over stdio, and a command that does not exist).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMcpConfig } from '../../src/tools/mcp-config.ts';
import { toolsmith as cli } from '../cli/helpers/cli-harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
const everything = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `toolsmith args` over pipes in the test folder (also its HOME) with `env` (see the CLI harness). */
const toolsmith = (args: string[], env: Record<string, string> = {}) =>
  cli(args, { cwd: dir, env: { HOME: dir, ...env } });

async function writeConfig(servers: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, `mcp-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ mcpServers: servers }));
  return file;
}

// Separate processes, each with its own servers file: the tests run together.
describe.concurrent('toolsmith tools', () => {
  it('prints servers, status, tools and declarations as JSON; exit 1 when a configured server failed', async ({
    expect,
  }) => {
    const config = await writeConfig({
      everything: { command: process.execPath, args: [everything, 'stdio'] },
      ghost: { command: 'toolsmith-no-such-command' },
    });
    const { code, stdout } = await toolsmith(['tools', '--json'], { MCP_CONFIG: config });
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as {
      servers: { name: string; status: string; error?: string; tools: { name: string }[] }[];
      declarations: string;
    };
    expect(out.servers.map((s) => [s.name, s.status])).toEqual([
      ['workspace', 'connected'],
      ['web', 'disabled'],
      ['chart', 'connected'],
      ['everything', 'connected'],
      ['ghost', 'failed'],
    ]);
    expect(out.servers[4]?.error).toBe(
      'stdio: command not found: toolsmith-no-such-command (check "command" and PATH)',
    );
    expect(out.servers[3]?.tools.map((t) => t.name)).toContain('get-sum');
    expect(Object.keys(out.servers[3]?.tools[0] ?? {})).toEqual(['name', 'description']);
    expect(out.declarations).toContain('getSum(input: {');
  });

  it('prints a readable listing and exits 0 when all is well', async ({ expect }) => {
    const config = await writeConfig({
      everything: { command: process.execPath, args: [everything, 'stdio'] },
    });
    const { code, stdout } = await toolsmith(['tools'], {
      MCP_CONFIG: config,
      WEB_ALLOWED_HOSTS: 'example.com',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('  web  connected  built-in, 1 tools');
    expect(stdout).toContain('  chart  connected  built-in, 1 tools');
    expect(stdout).toContain('    getSum (get-sum)  Returns the sum of two numbers');
    expect(stdout).toMatch(/Declarations the model sees: \d+ characters \(~\d+ tokens\)/);
  });

  it('stops with exit 2 and one clear line on a bad config file', async ({ expect }) => {
    const config = await writeConfig({ gh: { command: 'npx', args: 'not-a-list' } });
    const { code, stdout, stderr } = await toolsmith(['tools'], { MCP_CONFIG: config });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: ${config}: mcpServers.gh.args: Invalid input: expected array, received string. Fix that entry of the MCP servers file (see mcp.example.json)\n`,
    );
  });
});

describe('toolsmith sandbox', () => {
  it('binds the configured and built-in tools, with the workspace in --workspace DIR', async () => {
    const config = await writeConfig({
      everything: { command: process.execPath, args: [everything, 'stdio'] },
    });
    const workspace = path.join(dir, 'ws');
    const file = path.join(dir, 'task.js');
    await writeFile(
      file,
      "const sum = await tools.everything.getSum({ a: 1, b: 2 });\nawait tools.workspace.write({ path: 'sum.txt', content: sum });\nreturn sum;\n",
    );
    const { code, stdout, stderr } = await toolsmith(['sandbox', file, '--json', '--workspace', workspace], {
      MCP_CONFIG: config,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, data: 'The sum of 1 and 2 is 3.' });
    expect(await readFile(path.join(workspace, 'sum.txt'), 'utf8')).toBe('The sum of 1 and 2 is 3.');
  });
});

describe('mcp.example.json', () => {
  it('is a valid servers file with every server off', async () => {
    const servers = await loadMcpConfig(path.join(root, 'mcp.example.json'), {});
    expect(servers.map((s) => [s.name, s.transport, s.enabled])).toEqual([
      ['everything', 'stdio', false],
      ['github', 'stdio', false],
      ['filesystem', 'stdio', false],
      ['docs', 'http', false],
      ['legacy', 'sse', false],
    ]);
  });
});

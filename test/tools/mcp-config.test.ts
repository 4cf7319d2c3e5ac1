// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${VAR} strings are the syntax under test
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { expandVars } from '../../src/tools/expand-vars.ts';
import { loadMcpConfig } from '../../src/tools/mcp-config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-mcp-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let counter = 0;
async function fileWith(content: unknown): Promise<string> {
  const file = path.join(dir, `mcp-${++counter}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Load a bad file: the error is a ConfigError naming the file, and the file is left as it was. */
async function configError(content: unknown, env: Record<string, string> = {}): Promise<ConfigError> {
  const file = await fileWith(content);
  const before = await readFile(file, 'utf8');
  const error = await loadMcpConfig(file, env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect(await readFile(file, 'utf8')).toBe(before);
  if (!(error instanceof ConfigError)) throw new Error('unreachable');
  expect(error.key).toBe(file);
  return error;
}

describe('expandVars', () => {
  const env = { HOME: '/home/ada', EMPTY: '' };
  it('expands ${VAR} and ${VAR:-default}', () => {
    expect(expandVars('${HOME}/x', env)).toEqual({ ok: true, value: '/home/ada/x' });
    expect(expandVars('${NOPE:-fallback}', env)).toEqual({ ok: true, value: 'fallback' });
    expect(expandVars('${EMPTY:-fallback}', env)).toEqual({ ok: true, value: 'fallback' });
    expect(expandVars('${NOPE:-}', env)).toEqual({ ok: true, value: '' });
    expect(expandVars('a $HOME ${ b', env)).toEqual({ ok: true, value: 'a $HOME ${ b' });
  });
  it('refuses unset variables and Toolsmith secrets', () => {
    expect(expandVars('${NOPE}', env)).toEqual({
      ok: false,
      error: expect.stringContaining('${NOPE} is not set'),
    });
    expect(expandVars('${ANTHROPIC_API_KEY}', { ANTHROPIC_API_KEY: 'sk' })).toEqual({
      ok: false,
      error: expect.stringContaining("Toolsmith's own secret"),
    });
  });
});

describe('loadMcpConfig', () => {
  it('treats an absent file as no configured servers', async () => {
    expect(await loadMcpConfig(path.join(dir, 'absent.json'), {})).toEqual([]);
  });

  it('reads stdio and remote servers in the mcpServers format, expanding variables', async () => {
    const file = await fileWith({
      globalShortcut: 'Ctrl+Space', // other keys of a Claude Desktop file are ignored
      mcpServers: {
        github: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github', '--org=${ORG:-acme}'],
          env: { GITHUB_TOKEN: '${GH_TOKEN}' },
          cwd: 'servers/github',
          allowedTools: ['search_issues'],
          timeoutMs: 5000,
          autoApprove: ['search_issues'],
        },
        remote: {
          type: 'http',
          url: 'https://${HOST}/mcp',
          headers: { Authorization: 'Bearer ${API_TOKEN}' },
        },
        legacy: { type: 'sse', url: 'http://localhost:3001/sse' },
        off: { command: 'uvx', args: ['${UNSET_BUT_DISABLED}'], enabled: false },
        clineOff: { command: 'uvx', disabled: true },
      },
    });
    const servers = await loadMcpConfig(file, {
      GH_TOKEN: 'ghp_1',
      HOST: 'mcp.example.com',
      API_TOKEN: 't0k',
    });
    expect(servers).toEqual([
      {
        name: 'github',
        transport: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github', '--org=acme'],
        env: { GITHUB_TOKEN: 'ghp_1' },
        cwd: path.join(dir, 'servers/github'),
        enabled: true,
        allowedTools: ['search_issues'],
        disabledTools: [],
        timeoutMs: 5000,
        connectTimeoutMs: undefined,
      },
      {
        name: 'remote',
        transport: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer t0k' },
        enabled: true,
        allowedTools: undefined,
        disabledTools: [],
        timeoutMs: undefined,
        connectTimeoutMs: undefined,
      },
      expect.objectContaining({ name: 'legacy', transport: 'sse', url: 'http://localhost:3001/sse' }),
      expect.objectContaining({ name: 'off', enabled: false, args: ['${UNSET_BUT_DISABLED}'] }),
      expect.objectContaining({ name: 'clineOff', enabled: false }),
    ]);
  });

  it('reads which calls need approval, and refuses a malformed policy naming it', async () => {
    const file = await fileWith({
      mcpServers: {
        all: { command: 'a', requireApproval: true },
        some: { command: 'b', requireApproval: ['create_issue'] },
        risky: { command: 'c', approveDestructive: true },
        plain: { command: 'd' },
      },
    });
    const servers = await loadMcpConfig(file, {});
    expect(servers.map((server) => server.approval)).toEqual([
      { tools: 'all', destructive: false },
      { tools: ['create_issue'], destructive: false },
      { tools: [], destructive: true },
      undefined,
    ]);
    const error = await configError({ mcpServers: { x: { command: 'a', requireApproval: 'yes' } } });
    expect(error.message).toMatch(/mcpServers\.x\.requireApproval/);
  });

  it('rejects invalid JSON with the parser message', async () => {
    const error = await configError('{ "mcpServers": { "a": { "command": "x", } } }');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('names the server and field of each bad entry', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /mcpServers: /],
      [{ mcpServers: [] }, /mcpServers: expected an object of servers by name/],
      [{ mcpServers: { gh: { command: 'npx', args: 'server-github' } } }, /mcpServers\.gh\.args: .*array/],
      [
        { mcpServers: { gh: { command: 'npx', args: ['a', 3] } } },
        /mcpServers\.gh\.args\[1\]: expected a string/,
      ],
      [
        { mcpServers: { gh: { command: 'npx', env: { TOKEN: 42 } } } },
        /mcpServers\.gh\.env\.TOKEN: expected a string/,
      ],
      [{ mcpServers: { gh: { command: '' } } }, /mcpServers\.gh\.command: expected the program to run/],
      [{ mcpServers: { gh: { comand: 'npx' } } }, /mcpServers\.gh: expected \{ "command"/],
      [{ mcpServers: { gh: { command: 'npx', arg: [] } } }, /mcpServers\.gh: unknown field "arg"/],
      [{ mcpServers: { gh: { command: 'npx', enabled: 'yes' } } }, /mcpServers\.gh\.enabled: .*boolean/],
      [{ mcpServers: { gh: { command: 'npx', timeoutMs: 5 } } }, /mcpServers\.gh\.timeoutMs: /],
      [
        { mcpServers: { r: { type: 'websocket', url: 'ws://x' } } },
        /mcpServers\.r\.type: expected "http" or "sse"/,
      ],
      [{ mcpServers: { r: { type: 'http' } } }, /mcpServers\.r\.url: expected the server URL/],
      [
        { mcpServers: { r: { type: 'http', url: 'ftp://x' } } },
        /mcpServers\.r\.url: expected an http\(s\) URL/,
      ],
      [
        { mcpServers: { workspace: { command: 'x' } } },
        /mcpServers\.workspace: "workspace" is the name of a built-in server/,
      ],
      [
        { mcpServers: { gh: { command: 'npx', env: { TOKEN: '${GH_TOKEN}' } } } },
        /mcpServers\.gh\.env\.TOKEN: \$\{GH_TOKEN\} is not set/,
      ],
      [
        { mcpServers: { gh: { command: 'npx', args: ['${ANTHROPIC_API_KEY}'] } } },
        /mcpServers\.gh\.args\[0\]: .*own secret/,
      ],
    ];
    for (const [content, pattern] of cases) {
      const error = await configError(content);
      expect(error.message).toMatch(pattern);
      expect(error.message).toMatch(/Fix that entry of the MCP servers file|mcpServers:/);
    }
  });
});

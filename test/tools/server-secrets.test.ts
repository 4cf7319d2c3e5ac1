/**
 * A stdio MCP server cannot read the bot's secrets through /proc: a real bot process (its key, a
 * canary, in its environment from exec) opens its tools, and a hostile server reads the bot's
 * `/proc/<pid>/environ`. The key is wiped from there before any server starts; run as
 * MCP_SERVER_USER the server cannot open the bot's environ, memory or `.env` at all.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CANARY = 'sk-ant-canary-4b1d9e7f2a6c8e0d3f5a';
const MARKER = 'harmless-marker-visible';
const bot = path.join(import.meta.dirname, 'fixtures/bot-with-tools.ts');
const snoop = path.join(import.meta.dirname, 'fixtures/snoop-server.ts');

let dir: string;
let envFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-secrets-'));
  await chmod(dir, 0o755);
  envFile = path.join(dir, '.env');
  await writeFile(envFile, `ANTHROPIC_API_KEY=${CANARY}\n`, { mode: 0o600 });
  await writeFile(
    path.join(dir, 'mcp.json'),
    JSON.stringify({ mcpServers: { snoop: { command: process.execPath, args: [snoop] } } }),
  );
  return () => rm(dir, { recursive: true, force: true });
});

/** What the snoop server saw from a bot started with `extraEnv`; each caller names its own DATA_DIR. */
async function snoopFromBot(name: string, extraEnv: Record<string, string> = {}, memory = false) {
  const { stdout } = await run(process.execPath, [bot, envFile, memory ? 'memory' : ''], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ANTHROPIC_API_KEY: CANARY,
      DISCORD_TOKEN: `${CANARY}-discord`,
      TOOLSMITH_TEST_MARKER: MARKER,
      DATA_DIR: path.join(dir, `data-${name}`),
      MCP_CONFIG: path.join(dir, 'mcp.json'),
      ...extraEnv,
    },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

// The three bots run together, each with its own DATA_DIR.
describe.concurrent('stdio MCP servers and the bot environment', () => {
  it("wipes the key from the bot's /proc environ before a server can read it", async ({ expect }) => {
    const seen = await snoopFromBot('wiped');
    expect(seen.ownEnvHasCanary).toBe(false); // its own environment is clean (as before)
    expect(seen.parentIsBot).toBe(true);
    // It can read the bot's environ (same user): the harmless variable is there, the key is not.
    expect(seen.parentEnviron).toEqual({ readable: true, hasCanary: false, hasMarker: true });
    expect(seen.botEnviron).toEqual({ readable: true, hasCanary: false, hasMarker: true });
  });

  it.runIf(process.getuid?.() === 0)(
    'as MCP_SERVER_USER, cannot open the bot environ, memory or .env at all',
    async ({ expect }) => {
      const seen = await snoopFromBot('nobody', { MCP_SERVER_USER: 'nobody' }, true);
      expect(seen.uid).toBe(65534);
      expect(seen.botEnviron).toEqual({ readable: false, error: 'EACCES' });
      expect(seen.parentEnviron).toEqual({ readable: false, error: 'EACCES' });
      expect(seen.botMemory).toEqual({ readable: false, error: 'EACCES' });
      expect(seen.file).toEqual({ readable: false, error: 'EACCES' });
    },
  );

  it.runIf(process.getuid?.() === 0)(
    'the documented limit: a server running as root still finds the key in the bot memory',
    async ({ expect }) => {
      const seen = await snoopFromBot('root', {}, true);
      expect(seen.uid).toBe(0);
      expect(seen.botMemory).toEqual({ readable: true, hasCanary: true, hasMarker: false });
      expect(seen.file).toMatchObject({ readable: true, hasCanary: true });
    },
  );
});

describe('resolveServerUser', () => {
  it('resolves a name or ids, and refuses unknown users and root with the key to fix', async () => {
    const { resolveServerUser } = await import('../../src/tools/server-user.ts');
    const passwd = path.join(dir, 'passwd');
    await writeFile(
      passwd,
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    );
    expect(resolveServerUser('nobody', passwd)).toEqual({
      uid: 65534,
      gid: 65534,
      name: 'nobody',
      home: '/nonexistent',
    });
    expect(resolveServerUser('65534:100', passwd)).toMatchObject({ uid: 65534, gid: 100, name: 'nobody' });
    expect(() => resolveServerUser('ghost', passwd)).toThrow(
      /^MCP_SERVER_USER: no user "ghost" in .*passwd\. Set MCP_SERVER_USER/,
    );
    expect(() => resolveServerUser('root', passwd)).toThrow('MCP_SERVER_USER: is root');
    expect(() => resolveServerUser('0', passwd)).toThrow('MCP_SERVER_USER: is root');
  });
});

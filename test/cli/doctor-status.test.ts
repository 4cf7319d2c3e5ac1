/**
 * `toolsmith doctor` (every problem at once, endpoints named by their setting, DATA_DIR printed),
 * `toolsmith status` (what the store and DATA_DIR's holder hold), the configuration's paths resolved
 * against the project folder, the hints for unreachable hosts and a rejected Discord token, and the
 * open-access warning of the bot.
 */
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, vi } from 'vitest';
import { hintFor } from '../../src/cli/explain-error.ts';
import { openAccessWarning } from '../../src/cli/open-access.ts';
import { startStatusFile } from '../../src/cli/service-status-file.ts';
import { configIssues, loadConfig, PROJECT_ROOT } from '../../src/config.ts';
import { acquireDataDirLock } from '../../src/store/data-dir-lock.ts';
import { createFakeDiscord } from '../helpers/fake-discord/index.ts';
import { itWithFakeApi, toolsmith } from './helpers/cli-harness.ts';

// Each test starts toolsmith processes; on a busy machine one takes several seconds to start.
vi.setConfig({ testTimeout: 120_000 });

// Each test has its own fake Messages API and folder (the harness's fixture), so they run together.
const it = itWithFakeApi('doc-key');

describe.concurrent('toolsmith doctor', () => {
  it('reports every malformed key at once, DATA_DIR, and an endpoint it cannot reach by its setting', async ({
    fake,
    dir,
    expect,
  }) => {
    const closed = await closedPort();
    const result = await toolsmith(['doctor', '--timeout-ms', '2000'], {
      cwd: dir,
      env: {
        DATA_DIR: path.join(dir, 'data'),
        ANTHROPIC_API_KEY: 'doc-key',
        ANTHROPIC_BASE_URL: fake.url,
        SANDBOX_MEMORY_MB: 'lots',
        AGENT_MAX_STEPS: 'many',
        WEB_ALLOW_PRIVATE: 'maybe',
        DISCORD_TOKEN: 'a-token-for-the-bot',
        DISCORD_API_URL: `http://127.0.0.1:${closed}/api`,
        MCP_CONFIG: path.join(dir, 'none.json'),
      },
    });
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain('✗ SANDBOX_MEMORY_MB: expected a whole number >= 8 (got "lots")');
    expect(out).toContain('✗ AGENT_MAX_STEPS: expected a whole number >= 1 (got "many")');
    expect(out).toContain('✗ WEB_ALLOW_PRIVATE: expected true or false (got "maybe")');
    expect(out).toContain(`✓ DATA_DIR ${path.join(dir, 'data')}`);
    expect(out).toMatch(new RegExp(`✓ model API ${fake.url.replace(/[.]/g, '\\.')} reachable`));
    expect(out).toContain(
      `✗ cannot reach the Discord API at http://127.0.0.1:${closed}/api (ECONNREFUSED): check the network, and DISCORD_API_URL`,
    );
    expect(out).toMatch(/✓ MCP server workspace: \d+ tools/);
    expect(out).toContain('✓ store');
    expect(out).toMatch(/skill index .* is missing: it is rebuilt from the store at the next start/);
    expect(out).toMatch(/4 problems to fix/);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('toolsmith status', () => {
  it('shows sessions in the store by state, workspaces on disk and audit rows, beside no running process', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(fake.text('Done.'));
    const env = {
      DATA_DIR: path.join(dir, 'data'),
      ANTHROPIC_API_KEY: 'doc-key',
      ANTHROPIC_BASE_URL: fake.url,
      SKILLS_LEARN: 'false',
    };
    expect((await toolsmith(['run', 'say done'], { cwd: dir, env })).code).toBe(0);
    const result = await toolsmith(['status', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({
      dataDir: path.join(dir, 'data'),
      sessions: { terminal: { idle: 1 } },
      workspaces: 1,
    });
    expect(status.auditRows).toBeGreaterThanOrEqual(3);
    expect(status.holder === undefined || status.holder.alive === false).toBe(true);
    const text = await toolsmith(['status'], { cwd: dir, env });
    expect(text.stdout).toContain('sessions (terminal): 1 idle');
    expect(text.stdout).toMatch(/store: [\d.]+ [KM]?B, \d+ audit rows/);
  });

  it('shows the running service and its sandbox worker processes, as the bot writes them', async ({
    dir,
    expect,
  }) => {
    // This process holds DATA_DIR and writes its status file, as a running bot does.
    const dataDir = path.join(dir, 'data');
    const lock = acquireDataDirLock(dataDir, { command: 'toolsmith bot' });
    const statusFile = startStatusFile(dataDir, () => ({
      running: 1,
      queued: 0,
      maxConcurrent: 4,
      maxConcurrentPerServer: 2,
      liveSessions: 3,
      maxLiveSessions: 64,
      sandboxHeapBytes: 6 * 1024 * 1024,
      rssBytes: 200 * 1024 * 1024,
      servers: [],
      sandboxProcesses: [
        { pid: 4101, sandboxes: 2, rssBytes: 90 * 1024 * 1024, tainted: false, recycling: false },
        { pid: 4102, sandboxes: 1, rssBytes: 60 * 1024 * 1024, tainted: true, recycling: false },
      ],
    }));
    try {
      const text = await toolsmith(['status'], { cwd: dir, env: { DATA_DIR: dataDir } });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`in use by process ${process.pid} (toolsmith bot)`);
      expect(text.stdout).toContain(
        'its 2 sandbox processes (pid 4101, 4102) hold 3 sandboxes in 150.0 MB resident; ending once empty: 1 lost an isolate',
      );
    } finally {
      statusFile.stop();
      lock.release();
    }
  });
});

describe('configuration for the terminal', () => {
  it('resolves a relative DATA_DIR against the project folder, not the current directory', () => {
    const before = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(loadConfig({ DATA_DIR: './data' }).dataDir).toBe(path.join(PROJECT_ROOT, 'data'));
      expect(loadConfig({}).dataDir).toBe(path.join(PROJECT_ROOT, 'data'));
    } finally {
      process.chdir(before);
    }
  });

  it('collects every malformed key, not only the first', () => {
    expect(
      configIssues({ SANDBOX_MEMORY_MB: 'x', AGENT_MAX_STEPS: 'y', ANTHROPIC_BASE_URL: 'nope' }).map(
        (i) => i.key,
      ),
    ).toEqual(['ANTHROPIC_BASE_URL', 'SANDBOX_MEMORY_MB', 'AGENT_MAX_STEPS']);
  });
});

describe.concurrent('what to check', () => {
  it('names the setting for a host that cannot be reached and for a rejected Discord token', () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND discord.com'), {
      code: 'ENOTFOUND',
      hostname: 'discord.com',
    });
    expect(hintFor(notFound)).toMatch(/cannot reach discord\.com \(ENOTFOUND\).*DISCORD_API_URL/);
    const wrapped = new Error('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED api.anthropic.com'), { code: 'ECONNREFUSED' }),
    });
    expect(hintFor(wrapped)).toMatch(/ANTHROPIC_BASE_URL/);
    expect(hintFor(new Error('Authentication failed'))).toMatch(/DISCORD_TOKEN/);
    expect(hintFor(new Error('something else'))).toBeUndefined();
  });

  it('toolsmith bot: warns that access is open, and names DISCORD_TOKEN when Discord rejects it', async ({
    fake,
    dir,
    expect,
  }) => {
    const discord = await createFakeDiscord();
    try {
      const result = await toolsmith(['bot'], {
        cwd: dir,
        env: {
          DATA_DIR: path.join(dir, 'data'),
          ANTHROPIC_API_KEY: 'doc-key',
          ANTHROPIC_BASE_URL: fake.url,
          DISCORD_TOKEN: 'not-the-bot-token',
          DISCORD_CLIENT_ID: discord.applicationId,
          DISCORD_API_URL: discord.apiUrl,
          MCP_CONFIG: path.join(dir, 'none.json'),
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'warning: no allowlist is set, so every member of every server the bot is in may use it',
      );
      expect(result.stderr).toContain('check DISCORD_TOKEN');
    } finally {
      await discord.close();
    }
  });

  it('warns at bot start when no allowlist is set, and not when one is', () => {
    const open = loadConfig({}).discord;
    expect(openAccessWarning(open)).toMatch(/every member of every server the bot is in may use it/);
    expect(openAccessWarning(loadConfig({ ALLOWED_GUILDS: '123' }).discord)).toBeUndefined();
  });
});

/**
 * The bot's command-line entry points as child processes: `deploy-commands` against the fake
 * Discord (guild or global), and `bot` (what `npm start` runs) refusing to start without its keys.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it as base, describe } from 'vitest';
import { toolsmith as cli } from '../cli/helpers/cli-harness.ts';
import { createFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.ts';

/** Run `toolsmith <args>` with exactly `env` (plus PATH and HOME), as the npm scripts would. */
const toolsmith = (args: string[], env: Record<string, string>) => cli(args, { env });

/**
 * Each test has its own fake Discord and DATA_DIR, so a file's tests run together (most of their
 * time is the processes starting).
 */
const it = base.extend<{ fake: FakeDiscord; discordEnv: Record<string, string> }>({
  // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
  fake: async ({}, use) => {
    const fake = await createFakeDiscord();
    await use(fake);
    await fake.close();
  },
  discordEnv: async ({ fake }, use) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-cli-'));
    await use({
      DATA_DIR: dataDir,
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    await rm(dataDir, { recursive: true, force: true });
  },
});

const COMMANDS = ['help', 'model', 'profile', 'skills', 'status', 'stop', 'task', 'tools', 'usage'];

describe.concurrent('toolsmith deploy-commands', () => {
  it('with DISCORD_GUILD_ID registers the commands in that guild (instant)', async ({
    fake,
    discordEnv,
    expect,
  }) => {
    const outcome = await toolsmith(['deploy-commands'], { ...discordEnv, DISCORD_GUILD_ID: fake.guildId });
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toBe(`Registered 9 commands in guild ${fake.guildId}.\n`);
    expect(outcome.code).toBe(0);
    const stored = fake.commands(fake.guildId);
    expect(stored.map((c) => c.name).sort()).toEqual(COMMANDS);
    expect(fake.commands()).toEqual([]);
    const task = stored.find((c) => c.name === 'task');
    expect(task?.options?.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['prompt', 3, true],
      ['file', 11, false],
      ['private', 5, false],
    ]);
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.auth).toBe('bot');
  });

  it('without DISCORD_GUILD_ID registers them globally', async ({ fake, discordEnv, expect }) => {
    const outcome = await toolsmith(['deploy-commands'], discordEnv);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('Registered 9 commands globally (they may take up to an hour to appear).\n');
    expect(
      fake
        .commands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(COMMANDS);
    expect(fake.commands(fake.guildId)).toEqual([]);
  });

  it('a wrong token fails (401, non-zero exit) and registers nothing', async ({
    fake,
    discordEnv,
    expect,
  }) => {
    const outcome = await toolsmith(['deploy-commands'], { ...discordEnv, DISCORD_TOKEN: 'not-the-token' });
    expect(outcome.code).toBe(1);
    // (today a raw DiscordAPIError stack rather than one line naming DISCORD_TOKEN: reported to the lead)
    expect(outcome.stderr).toContain('401: Unauthorized');
    expect(fake.commands()).toEqual([]);
  });
});

describe('toolsmith bot (npm start)', () => {
  it('a missing DISCORD_TOKEN, DISCORD_CLIENT_ID or ANTHROPIC_API_KEY: one line naming it, exit 2, no connection', async ({
    fake,
    discordEnv,
    expect,
  }) => {
    const { DISCORD_TOKEN: _token, ...noToken } = discordEnv;
    const { DISCORD_CLIENT_ID: _id, ...noClient } = discordEnv;
    const [token, client, key] = await Promise.all([
      toolsmith(['bot'], { ...noToken, ANTHROPIC_API_KEY: 'sk-test' }),
      toolsmith(['bot'], { ...noClient, ANTHROPIC_API_KEY: 'sk-test' }),
      toolsmith(['bot'], discordEnv),
    ]);
    expect(token).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'error: DISCORD_TOKEN: not set; the Discord bot needs it. Set DISCORD_TOKEN in .env or the environment\n',
    });
    expect(client.code).toBe(2);
    expect(client.stderr).toBe(
      'error: DISCORD_CLIENT_ID: not set; the Discord bot needs it. Set DISCORD_CLIENT_ID in .env or the environment\n',
    );
    expect(key.code).toBe(2);
    expect(key.stderr).toBe(
      'error: ANTHROPIC_API_KEY: not set; the Discord bot needs it. Set ANTHROPIC_API_KEY in .env or the environment\n',
    );
    expect(fake.requests).toEqual([]);
  });
});

/**
 * The bot under test: real discord.js against the fake Discord, the real model client against the
 * fake Messages API, a real tool hub, store and sandbox, all in a temporary DATA_DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Routes } from 'discord.js';
import { it } from 'vitest';
import type { SkillSource } from '../../src/agent/types.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { createSkillAdmin, skillRolesFrom } from '../../src/app/skill-admin.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Bot, createBot } from '../../src/discord/create-bot.ts';
import { loadCommands } from '../../src/discord/load-commands.ts';
import type { SkillAdmin } from '../../src/discord/types.ts';
import { closedAfterTest } from '../helpers/closed-after-test.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import {
  createFakeDiscord,
  type FakeDiscord,
  type FakeDiscordOptions,
} from '../helpers/fake-discord/index.ts';

export interface BotHarness {
  discord: FakeDiscord;
  anthropic: FakeAnthropic;
  dataDir: string;
  config: Config;
  bot: Bot;
  app: App;
  errors: string[];
  /** Lines the app logged for the operator (sessions released or unreadable, ...). */
  logs: string[];
  /** Stop the bot (as on SIGTERM) and start a new one on the same data and fake Discord. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface BotHarnessOptions {
  /** Extra environment, or a function of the fake (for ids such as a user's, known only once it runs). */
  env?: Record<string, string> | ((discord: FakeDiscord) => Record<string, string>);
  discord?: FakeDiscordOptions;
  skillAdmin?: SkillAdmin;
  /** The skills the agent gets (default: none; the real library is tested in test/skills). */
  skillSource?: SkillSource;
  /** The real skill library from the config (seeds, trust rules) for the agent and /skills. */
  realSkills?: boolean;
  mcpConfig?: unknown;
}

export async function createBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const discord = await createFakeDiscord({ heartbeatIntervalMs: 5_000, ...options.discord });
  const anthropic = await createFakeAnthropic({ apiKey: 'test-key' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-bot-'));
  let mcpPath = path.join(dataDir, 'no-mcp.json');
  if (options.mcpConfig) {
    mcpPath = path.join(dataDir, 'mcp.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(mcpPath, JSON.stringify(options.mcpConfig)));
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: anthropic.url,
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.bot.id,
    DISCORD_API_URL: discord.apiUrl,
    MCP_CONFIG: mcpPath,
    MCP_CONNECT_TIMEOUT_MS: '5000',
    PROGRESS_EDIT_MS: '200',
    // These files test the Discord adapter, so their sandboxes live in the test process
    // (SANDBOX_WORKERS=inline, same results): a worker process per test cost ~0.7 s of CPU, 20 s for
    // this folder, and the pool has its own tests (test/sandbox/process-*). Tests about the workers
    // themselves (/status, Stop) set SANDBOX_WORKERS=process: started on demand, no warm spare.
    SANDBOX_WORKERS: 'inline',
    SANDBOX_SPARE_PROCESSES: '0',
    ANTHROPIC_MAX_RETRIES: '2',
    ...(typeof options.env === 'function' ? options.env(discord) : options.env),
  });
  const errors: string[] = [];
  const logs: string[] = [];
  const start = async () => {
    const skillSource = options.skillSource;
    // The real model router over ALLOWED_MODELS, every client pointed at the fake Messages API.
    const app = await createApp(config, {
      modelClient: { backoff: { baseDelayMs: 5, maxDelayMs: 20 } },
      ...(skillSource
        ? { createSkills: async () => skillSource }
        : options.realSkills
          ? {}
          : { skills: false as const }),
      ...(options.skillAdmin ? { skillVotes: options.skillAdmin } : {}),
      log: (line) => logs.push(line),
    });
    const skillAdmin =
      options.skillAdmin ??
      (options.realSkills && app.skillLibrary
        ? createSkillAdmin(app.skillLibrary, skillRolesFrom(config))
        : undefined);
    const bot = await createBot({
      config,
      service: app.service,
      tools: app.hub,
      ...(skillAdmin ? { skillAdmin } : {}),
      onError: (m) => errors.push(m),
    });
    await bot.start(discord.token);
    return { app, bot };
  };
  let current = await start();
  // Deploy the real command definitions, so the fake checks every test's options against them.
  const definitions = [...(await loadCommands()).values()].map((command) => command.data.toJSON());
  await current.bot.client.rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guildId), {
    body: definitions,
  });
  const harness: BotHarness = {
    discord,
    anthropic,
    dataDir,
    config,
    errors,
    logs,
    get bot() {
      return current.bot;
    },
    get app() {
      return current.app;
    },
    async restart() {
      await current.bot.stop();
      await current.app.close();
      current = await start();
    },
    async close() {
      await current.bot.stop();
      await current.app.close();
      await anthropic.close();
      await discord.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * A test whose bots (`await bot(options)`) are closed when it ends: the tests of a file can then run
 * together (`describe.concurrent`, with the test's own `expect`), each with its own fakes and folder.
 */
export const botTest = it.extend<{ bot: (options?: BotHarnessOptions) => Promise<BotHarness> }>({
  bot: closedAfterTest((options?: BotHarnessOptions) => createBotHarness(options)),
});

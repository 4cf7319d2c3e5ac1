/**
 * The task's thread, opened by real discord.js against the fake Discord: private tasks in an
 * announcement channel are refused (Discord would make the thread public), and thread names are
 * never cut inside a surrogate pair or an emoji sequence.
 */
import { ChannelType, Client, Events, GatewayIntentBits, type ThreadChannel } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTaskThread, PRIVATE_IN_ANNOUNCEMENT, threadName } from '../../src/discord/open-task-thread.ts';
import { createFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.ts';

let fake: FakeDiscord;
let client: Client<true>;

beforeEach(async () => {
  fake = await createFakeDiscord({
    heartbeatIntervalMs: 5_000,
    guilds: [{ channels: [{ name: 'general' }, { name: 'news', kind: 'announcement' }] }],
  });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  client = await ready;
});

afterEach(async () => {
  await client.destroy();
  await fake.close();
});

/** Run /task in `channel` and open its thread the way the bot does; the result and the threads made. */
async function openIn(channel: string, prompt: string, isPrivate: boolean) {
  const result = new Promise<ThreadChannel | string>((resolve, reject) => {
    client.once(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      try {
        await interaction.deferReply();
        resolve(await openTaskThread(interaction, prompt, isPrivate));
      } catch (error) {
        reject(error);
      }
    });
  });
  await fake.slashCommand({
    name: 'task',
    channelId: fake.channelId(channel),
    options: { prompt, private: isPrivate },
  });
  return { result: await result, threads: fake.threads() };
}

describe('openTaskThread', () => {
  it('refuses a private task in an announcement channel instead of opening a public thread', async () => {
    const { result, threads } = await openIn('news', 'my salary figures', true);
    expect(result).toBe(PRIVATE_IN_ANNOUNCEMENT);
    expect(threads).toEqual([]); // nothing was opened, so nothing was shown to the channel
  });

  it('opens an announcement thread for a task that is not private', async () => {
    const { result, threads } = await openIn('news', 'summarise the release', false);
    expect(typeof result).not.toBe('string');
    expect((result as ThreadChannel).type).toBe(ChannelType.AnnouncementThread);
    expect(threads.map((t) => t.name)).toEqual(['summarise the release']);
  });

  it('opens a private thread in a text channel', async () => {
    const { result } = await openIn('general', 'my salary figures', true);
    expect((result as ThreadChannel).type).toBe(ChannelType.PrivateThread);
  });

  it('cuts a long name between graphemes and Discord takes it as sent', async () => {
    // The 89th UTF-16 unit is the high half of an emoji: a cut there leaves a lone surrogate.
    const prompt = `${'a'.repeat(88)}😀 and 👩‍👩‍👧 more text after the limit`;
    const name = threadName(prompt);
    expect(name).toBe(`${'a'.repeat(88)}…`);
    expect(name.isWellFormed()).toBe(true);
    const family = threadName(`${'b'.repeat(85)}👩‍👩‍👧 then more words to go past ninety`);
    expect(family).toBe(`${'b'.repeat(85)}…`); // the whole ZWJ sequence or none of it
    const { threads } = await openIn('general', prompt, false);
    expect(threads[0]?.name).toBe(name);
    expect(threads[0]?.name.length).toBeLessThanOrEqual(100);
  });

  it('keeps short names whole and falls back to "task" for blank ones', () => {
    expect(threadName('  sum   the\ncolumn 😀 ')).toBe('sum the column 😀');
    expect(threadName('   ')).toBe('task');
    expect(threadName('x'.repeat(90))).toBe('x'.repeat(90));
    expect(threadName('x'.repeat(91))).toBe(`${'x'.repeat(89)}…`);
  });
});

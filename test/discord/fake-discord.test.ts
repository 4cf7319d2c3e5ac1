/**
 * The fake Discord, driven by the real discord.js client: login, slash commands, threads, uploads,
 * buttons, autocomplete, the 3 s ack window, restarts and resumes, allowed mentions.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.ts';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

let fake: FakeDiscord;
const clients: Client[] = [];

async function login(options: Partial<ClientOptions> = {}): Promise<Client<true>> {
  const client = new Client({ intents: INTENTS, rest: { api: fake.apiUrl }, ...options });
  clients.push(client);
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  return ready;
}

/** Run `handler` for every interaction, keeping its failure for the test to see. */
function onInteraction(
  client: Client,
  handler: (interaction: Interaction) => Promise<unknown>,
): { errors: unknown[] } {
  const seen = { errors: [] as unknown[] };
  client.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => seen.errors.push(error));
  });
  return seen;
}

function general(client: Client): TextChannel {
  const channel = client.channels.cache.get(fake.channelId('general'));
  if (channel?.type !== ChannelType.GuildText) throw new Error('general is not cached as a text channel');
  return channel;
}

beforeEach(async () => {
  fake = await createFakeDiscord({ heartbeatIntervalMs: 200 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  expect(fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  await fake.close();
});

describe('fake Discord with discord.js', () => {
  it('logs a client in: READY, the guild with channels, roles and members, heartbeats acknowledged', async () => {
    const client = await login();
    expect(client.user.id).toBe(fake.bot.id);
    expect(client.application.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual([
      'General',
      'Text Channels',
      'general',
      'random',
    ]);
    const alice = guild?.members.cache.get(fake.user('alice').id);
    expect(alice?.roles.cache.map((r) => r.name)).toContain('admin');
    expect(alice?.permissions.has('Administrator')).toBe(true);
    expect(guild?.members.cache.get(fake.user('bob').id)?.permissions.has('Administrator')).toBe(false);
    expect(fake.sessions()).toMatchObject([{ intents: 1 | (1 << 9) | (1 << 15), connected: true }]);
    await fake.waitFor(() => client.ws.ping >= 0, 3000, 'a heartbeat ACK');
    expect(fake.sessions()[0]?.heartbeats).toBeGreaterThanOrEqual(1);
    const me = await client.rest.get('/users/@me');
    expect(me).toMatchObject({ id: fake.bot.id, bot: true });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /gateway/bot', 'GET /users/@me']);
  });

  it('delivers a slash command with options; deferReply then editReply are recorded in order', async () => {
    const client = await login();
    await client.application.commands.set(
      [
        {
          name: 'task',
          description: 'Do a task',
          options: [
            {
              type: 1,
              name: 'run',
              description: 'Run it',
              options: [
                { type: 3, name: 'prompt', description: 'What to do', required: true },
                { type: 5, name: 'private', description: 'Only for me' },
                { type: 11, name: 'file', description: 'Input file' },
              ],
            },
          ],
        },
      ],
      fake.guildId,
    );
    expect(fake.commands(fake.guildId).map((c) => c.name)).toEqual(['task']);
    const seen: string[] = [];
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const file = interaction.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      seen.push(
        interaction.options.getSubcommand(),
        interaction.options.getString('prompt', true),
        String(interaction.options.getBoolean('private')),
        text,
        interaction.user.username,
      );
      await interaction.editReply({ content: `done: ${text}` });
    });

    const interaction = await fake.slashCommand({
      name: 'task',
      subcommand: 'run',
      options: { prompt: 'sum the numbers', private: false },
      attachments: { file: { name: 'numbers.txt', content: '1 2 3' } },
      user: 'bob',
    });
    const callback = await fake.waitForCallback(interaction);
    expect(callback).toMatchObject({ type: 5, accepted: true, status: 204 });
    expect(callback.ackMs).toBeLessThan(3000);
    const [reply] = await fake.waitFor(() => {
      const messages = fake.messagesIn('general');
      return messages[0]?.editCount === 1 ? messages : undefined;
    });
    expect(handled.errors).toEqual([]);
    expect(seen).toEqual(['run', 'sum the numbers', 'false', '1 2 3', 'bob']);
    expect(reply).toMatchObject({
      content: 'done: 1 2 3',
      loading: false,
      interactionId: interaction.id,
      type: 20,
    });
    expect(reply?.history[0]).toMatchObject({ content: '', flags: 128 });
    expect(fake.interaction(interaction).originalMessageId).toBe(reply?.id);
    const routes = fake.requests.filter(
      (r) => r.route?.includes('interactions') || r.route?.includes('webhooks'),
    );
    expect(routes.map((r) => `${r.method} ${r.route}`)).toEqual([
      'POST /interactions/:interactionId/:token/callback',
      'PATCH /webhooks/:applicationId/:token/messages/:messageId',
    ]);
  });

  it('creates a thread, posts a file (multipart) there and edits it; a user replies in the thread', async () => {
    const client = await login();
    const created = new Promise((resolve) => client.once(Events.ThreadCreate, resolve));
    const thread = await general(client).threads.create({ name: 'task-1', type: ChannelType.PrivateThread });
    await created;
    expect(fake.threads('general')).toMatchObject([
      { id: thread.id, name: 'task-1', type: 12, memberIds: [fake.bot.id], autoArchiveDuration: 1440 },
    ]);
    await thread.members.add(fake.user('bob').id);
    await expect(thread.members.add('123')).rejects.toMatchObject({ code: 10007 });
    expect(fake.threads()[0]?.memberIds).toEqual([fake.bot.id, fake.user('bob').id]);

    const sent = await thread.send({
      content: 'result',
      files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'out.csv' }],
    });
    const upload = fake.requests.find(
      (r) => r.method === 'POST' && r.path === `/channels/${thread.id}/messages`,
    );
    expect(upload?.contentType).toMatch(/^multipart\/form-data/);
    expect(upload?.body).toMatchObject({ content: 'result', attachments: [{ id: '0' }] });
    expect(upload?.files.map((f) => [f.field, f.name, f.data.toString()])).toEqual([
      ['files[0]', 'out.csv', 'a,b\n1,2\n'],
    ]);
    const attachment = sent.attachments.first();
    expect(attachment?.name).toBe('out.csv');
    expect(await (await fetch(attachment?.url ?? '')).text()).toBe('a,b\n1,2\n');

    await sent.edit({ content: 'result (edited)' });
    const [stored] = fake.messagesIn(thread.id);
    expect(stored).toMatchObject({
      content: 'result (edited)',
      editCount: 1,
      history: [{ content: 'result' }],
    });
    expect(stored?.attachments).toHaveLength(1);

    const received = new Promise<{ content: string; author: string; roles: string[]; file: string }>(
      (resolve) => {
        client.on(Events.MessageCreate, async (message) => {
          if (message.author.bot) return;
          const file = await (await fetch(message.attachments.first()?.url ?? '')).text();
          resolve({
            content: message.content,
            author: message.author.username,
            roles: message.member?.roles.cache.map((r) => r.name) ?? [],
            file,
          });
        });
      },
    );
    await fake.message({
      channelId: thread.id,
      content: 'thanks, now plot it',
      author: 'alice',
      attachments: [{ name: 'more.csv', content: '3,4' }],
    });
    expect(await received).toEqual({
      content: 'thanks, now plot it',
      author: 'alice',
      roles: expect.arrayContaining(['admin', '@everyone']),
      file: '3,4',
    });
    expect(fake.threads()[0]?.memberIds).toEqual([fake.bot.id, fake.user('bob').id, fake.user('alice').id]);
  });

  it('starts a public thread from a message and joins a thread', async () => {
    const client = await login();
    const message = await general(client).send('starting');
    const thread = await message.startThread({ name: 'from-message' });
    expect(thread.id).toBe(message.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(fake.getMessage(message.id)?.threadId).toBe(thread.id);
    await thread.join();
    await expect(message.startThread({ name: 'again' })).rejects.toThrow();
    const again = await client.rest
      .post(`/channels/${general(client).id}/messages/${message.id}/threads`, { body: { name: 'again' } })
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ code: 160004 });
    expect(fake.threads()).toHaveLength(1);
  });

  it('sends a button click; the bot updates the message', async () => {
    const client = await login();
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('approve').setLabel('Approve').setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId('stop').setLabel('Stop').setStyle(ButtonStyle.Danger).setDisabled(true),
    );
    const sent = await general(client).send({ content: 'Run this code?', components: [row] });
    const clicks: string[] = [];
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isButton()) return;
      clicks.push(`${interaction.customId} by ${interaction.user.username} on ${interaction.message.id}`);
      await interaction.update({ content: 'Approved', components: [] });
    });
    await expect(fake.clickButton({ message: sent, customId: 'nope' })).rejects.toThrow(
      /buttons: approve, stop/,
    );
    await expect(fake.clickButton({ message: sent, customId: 'stop' })).rejects.toThrow(/disabled/);

    const click = await fake.clickButton({ message: sent, customId: 'approve', user: 'bob' });
    expect(await fake.waitForCallback(click)).toMatchObject({ type: 7, accepted: true });
    expect(handled.errors).toEqual([]);
    expect(clicks).toEqual([`approve by bob on ${sent.id}`]);
    expect(fake.getMessage(sent)).toMatchObject({ content: 'Approved', components: [], editCount: 1 });
  });

  it('defers a button update, then edits the message through @original', async () => {
    const client = await login();
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('stop').setLabel('Stop').setStyle(ButtonStyle.Danger),
    );
    const sent = await general(client).send({ content: 'Working...', components: [row] });
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferUpdate();
      await interaction.editReply({ content: 'Stopped', components: [] });
    });
    const click = await fake.clickButton({ message: sent.id, customId: 'stop' });
    expect(await fake.waitForCallback(click)).toMatchObject({ type: 6 });
    await fake.waitFor(() => fake.getMessage(sent)?.content === 'Stopped');
    expect(handled.errors).toEqual([]);
    expect(fake.interaction(click).originalMessageId).toBe(sent.id);
  });

  it('shows a modal, then delivers its submission; the bot answers ephemerally', async () => {
    const client = await login();
    const handled = onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('config')
          .setTitle('Settings')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('model').setLabel('Model').setStyle(TextInputStyle.Short),
            ),
          );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        const model = interaction.fields.getTextInputValue('model');
        await interaction.reply({ content: `model set to ${model}`, flags: MessageFlags.Ephemeral });
      }
    });
    const command = await fake.slashCommand({ name: 'config' });
    expect(await fake.waitForCallback(command)).toMatchObject({
      type: 9,
      data: { custom_id: 'config', title: 'Settings' },
    });
    const submit = await fake.submitModal({ customId: 'config', fields: { model: 'claude-haiku-4-5' } });
    expect(await fake.waitForCallback(submit)).toMatchObject({ type: 4 });
    expect(handled.errors).toEqual([]);
    expect(fake.messagesIn('general')).toMatchObject([
      { content: 'model set to claude-haiku-4-5', ephemeral: true },
    ]);
  });

  it('answers member fetches over REST and over the gateway (op 8)', async () => {
    const client = await login({ intents: [...INTENTS, GatewayIntentBits.GuildMembers] });
    const guild = client.guilds.cache.get(fake.guildId);
    const bob = await guild?.members.fetch({ user: fake.user('bob').id, force: true });
    expect(bob?.user.username).toBe('bob');
    expect(fake.requests.at(-1)?.route).toBe('/guilds/:guildId/members/:userId');
    const all = await guild?.members.fetch();
    expect(all?.map((m) => m.user.username).sort()).toEqual(['Toolsmith', 'alice', 'bob']);
    await expect(guild?.members.fetch({ user: '123', force: true })).rejects.toMatchObject({ code: 10007 });
  });

  it('sends autocomplete with the focused option; the bot responds with choices', async () => {
    const client = await login();
    await client.application.commands.set([
      {
        name: 'skill',
        description: 'Use a skill',
        options: [{ type: 3, name: 'name', description: 'Skill', required: true, autocomplete: true }],
      },
    ]);
    onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond(
        ['fetch-json', 'fetch-csv', 'plot']
          .filter((s) => s.startsWith(typed))
          .map((s) => ({ name: s, value: s })),
      );
    });
    const interaction = await fake.autocomplete({ name: 'skill', options: { name: 'fe' }, focused: 'name' });
    expect(interaction.payload.data).toMatchObject({
      options: [{ name: 'name', value: 'fe', focused: true }],
    });
    const callback = await fake.waitForCallback(interaction);
    expect(callback).toMatchObject({
      type: 8,
      data: {
        choices: [
          { name: 'fetch-json', value: 'fetch-json' },
          { name: 'fetch-csv', value: 'fetch-csv' },
        ],
      },
    });
  });

  it('fails an interaction not acknowledged in time (3 s, as Discord; 400 ms here); a late defer gets Unknown interaction', async () => {
    await fake.close();
    fake = await createFakeDiscord({ heartbeatIntervalMs: 200, interactionAckMs: 400 });
    const client = await login();
    const late: Interaction[] = [];
    client.on(Events.InteractionCreate, (interaction) => late.push(interaction));
    const interaction = await fake.slashCommand({ name: 'task', options: { prompt: 'slow' } });
    await expect(fake.waitForCallback(interaction, 3000)).rejects.toThrow(
      /failed: not acknowledged within 400 ms/,
    );
    expect(fake.interaction(interaction)).toMatchObject({ status: 'failed', callbacks: [] });
    const received = late[0];
    if (!received?.isChatInputCommand()) throw new Error('the interaction did not reach the client');
    const error = await received.deferReply().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 10062, status: 404 });
    expect(fake.interaction(interaction).callbacks).toMatchObject([
      { type: 5, accepted: false, status: 404 },
    ]);
    expect(fake.messagesIn('general')).toEqual([]);
  });

  it('refuses a second acknowledgement and keeps the first reply; follow-ups may be ephemeral', async () => {
    const client = await login();
    const results: unknown[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'first', withResponse: true });
      results.push(
        await client.rest
          .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
            body: { type: 4, data: { content: 'second' } },
            auth: false,
          })
          .catch((error: unknown) => error),
      );
      await interaction.followUp({ content: 'just for you', flags: MessageFlags.Ephemeral });
    });
    const interaction = await fake.slashCommand({ name: 'ping' });
    await fake.waitFor(() => fake.interaction(interaction).followUpIds.length === 1);
    expect(results[0]).toMatchObject({ code: 40060, status: 400 });
    expect(fake.messagesIn('general').map((m) => [m.content, m.ephemeral])).toEqual([
      ['first', false],
      ['just for you', true],
    ]);
  });

  it('keeps its state across a client restart: a new client logs in and sees the thread and messages', async () => {
    const first = await login();
    const thread = await general(first).threads.create({ name: 'kept', type: ChannelType.PublicThread });
    await thread.send('before restart');
    await first.destroy();
    expect(fake.sessions()).toMatchObject([{ connected: false, resumable: false }]);

    const second = await login();
    const cached = second.channels.cache.get(thread.id);
    expect(cached?.isThread() && cached.name).toBe('kept');
    if (!cached?.isThread()) throw new Error('thread not cached');
    const fetched = await cached.messages.fetch();
    expect(fetched.map((m) => m.content)).toEqual(['before restart']);
    expect(fake.sessions().map((s) => s.connected)).toEqual([false, true]);
  });

  it('disconnectAll makes clients resume; events sent meanwhile are replayed', async () => {
    const client = await login();
    const contents: string[] = [];
    client.on(Events.MessageCreate, (message) => contents.push(message.content));
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    await fake.disconnectAll();
    await fake.message({ content: 'while you were away' });
    await resumed;
    await fake.waitFor(() => contents.length === 1);
    expect(contents).toEqual(['while you were away']);
    expect(fake.sessions()).toMatchObject([{ connected: true, resumes: 1 }]);
  });

  it('records allowed_mentions; with parse: [] nobody is pinged', async () => {
    const quiet = await login({ allowedMentions: { parse: [] } });
    const alice = fake.user('alice');
    await general(quiet).send(`<@${alice.id}> your task is done @everyone`);
    const loud = await login();
    await general(loud).send(`<@${alice.id}> your task is done`);
    const [first, second] = fake.messagesIn('general');
    expect(first).toMatchObject({ allowedMentions: { parse: [] }, mentions: [], mentionEveryone: false });
    expect(second).toMatchObject({ allowedMentions: undefined, mentions: [alice.id] });
    const bodies = fake.requests.filter((r) => r.method === 'POST').map((r) => r.body);
    expect(bodies[0]).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it('hides message content from a client without the MessageContent intent', async () => {
    const client = await login({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const seen = new Promise<string>((resolve) =>
      client.once(Events.MessageCreate, (m) => resolve(m.content)),
    );
    await fake.message({ content: 'secret' });
    expect(await seen).toBe('');
  });
});

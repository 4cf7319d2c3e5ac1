/**
 * Bad input to the fake Discord: REST bodies Discord refuses (with its error codes, state untouched),
 * gateway protocol faults (with its close codes), and test-API misuse (with errors naming what exists).
 */
import { Client, DiscordAPIError, Events, GatewayIntentBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.ts';

let fake: FakeDiscord;
const clients: Client[] = [];

async function login(): Promise<Client<true>> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  clients.push(client);
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  return ready;
}

/** Call the REST API as the bot and return the DiscordAPIError it fails with. */
async function refused(
  client: Client,
  method: 'post' | 'patch' | 'put',
  route: `/${string}`,
  options: { body?: unknown; files?: Array<{ name: string; data: Buffer }> } = {},
): Promise<DiscordAPIError> {
  const error = await client.rest[method](route, options).then(
    () => new Error(`${method} ${route} was accepted`),
    (caught: unknown) => caught,
  );
  if (!(error instanceof DiscordAPIError)) throw error;
  return error;
}

interface RawGateway {
  next(): Promise<{ op: number; d: unknown; t: string | null }>;
  send(payload: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

function openGateway(query = '?v=10&encoding=json'): RawGateway {
  const socket = new WebSocket(`${fake.gatewayUrl}${query}`);
  const queue: Array<{ op: number; d: unknown; t: string | null }> = [];
  const waiters: Array<(payload: { op: number; d: unknown; t: string | null }) => void> = [];
  socket.on('message', (raw) => {
    const payload = JSON.parse(raw.toString());
    const waiter = waiters.shift();
    if (waiter) waiter(payload);
    else queue.push(payload);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return {
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
    send: (payload) => {
      const send = () => socket.send(JSON.stringify(payload));
      if (socket.readyState === socket.OPEN) send();
      else socket.once('open', send);
    },
    closed,
  };
}

const identify = (token: string, intents = 1) => ({
  op: 2,
  d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } },
});

beforeEach(async () => {
  fake = await createFakeDiscord({ maxUploadBytes: 64 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await fake.close();
});

describe('fake Discord refuses bad REST input as Discord does, and keeps its state', () => {
  it('refuses a wrong token: login fails and no session starts', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    clients.push(client);
    await expect(client.login('not-the-token')).rejects.toThrow(/invalid token/i);
    expect(fake.requests).toMatchObject([{ path: '/gateway/bot', auth: 'invalid', status: 401 }]);
    expect(fake.sessions()).toEqual([]);
  });

  it('answers unknown routes with 404 and lists them in unhandled', async () => {
    const client = await login();
    const error = await client.rest.get('/guilds/1/nothing-here').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404, code: 0, message: '404: Not Found' });
    expect(fake.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /guilds/1/nothing-here']);
  });

  it('refuses invalid messages with Discord error codes and stores nothing', async () => {
    const client = await login();
    const general = fake.channelId('general');
    const tooLong = await refused(client, 'post', `/channels/${general}/messages`, {
      body: { content: 'x'.repeat(2001) },
    });
    expect(tooLong).toMatchObject({ status: 400, code: 50035 });
    expect(tooLong.rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    expect(
      await refused(client, 'post', `/channels/${general}/messages`, { body: { content: '' } }),
    ).toMatchObject({
      code: 50006,
    });
    const exclusive = await refused(client, 'post', `/channels/${general}/messages`, {
      body: { content: 'hi', allowed_mentions: { parse: ['users'], users: [fake.user('bob').id] } },
    });
    expect(exclusive.code).toBe(50035);
    expect(
      await refused(client, 'post', '/channels/123/messages', { body: { content: 'hi' } }),
    ).toMatchObject({
      status: 404,
      code: 10003,
    });
    const voice = fake.channelId('General');
    expect(
      await refused(client, 'post', `/channels/${voice}/messages`, { body: { content: 'hi' } }),
    ).toMatchObject({
      code: 50008,
    });
    const tooBig = await refused(client, 'post', `/channels/${general}/messages`, {
      body: { content: 'file' },
      files: [{ name: 'big.bin', data: Buffer.alloc(65) }],
    });
    expect(tooBig).toMatchObject({ status: 413, code: 40005 });
    expect(fake.messagesIn('general')).toEqual([]);
  });

  it("refuses to edit another user's message and leaves it unchanged", async () => {
    const client = await login();
    const posted = await fake.message({ content: 'mine', author: 'bob' });
    const general = fake.channelId('general');
    const error = await refused(client, 'patch', `/channels/${general}/messages/${posted.id}`, {
      body: { content: 'x' },
    });
    expect(error).toMatchObject({ status: 403, code: 50005 });
    expect(
      await refused(client, 'patch', `/channels/${general}/messages/999`, { body: { content: 'x' } }),
    ).toMatchObject({
      code: 10008,
    });
    expect(fake.getMessage(posted)).toMatchObject({ content: 'mine', editCount: 0 });
  });

  it('refuses threads without a v10 type or with a bad archive duration', async () => {
    const client = await login();
    const route = `/channels/${fake.channelId('general')}/threads` as const;
    const missingType = await refused(client, 'post', route, { body: { name: 'x' } });
    expect(missingType.rawError).toMatchObject({ code: 50035, errors: { type: { _errors: [{}] } } });
    expect(
      await refused(client, 'post', route, { body: { name: 'x', type: 11, auto_archive_duration: 5 } }),
    ).toMatchObject({
      code: 50035,
    });
    expect(await refused(client, 'post', route, { body: { name: 'x', type: 10 } })).toMatchObject({
      code: 50035,
    });
    expect(fake.threads()).toEqual([]);
  });

  it('refuses invalid command deployments and keeps the deployed commands', async () => {
    const client = await login();
    await client.application.commands.set([{ name: 'task', description: 'Do a task' }]);
    const route = `/applications/${fake.applicationId}/commands` as const;
    const upper = await refused(client, 'put', route, { body: [{ name: 'Task', description: 'x' }] });
    expect(upper.rawError).toMatchObject({ code: 50035, errors: { 0: { name: { _errors: [{}] } } } });
    const order = await refused(client, 'put', route, {
      body: [
        {
          name: 'task',
          description: 'x',
          options: [
            { type: 3, name: 'a', description: 'a' },
            { type: 3, name: 'b', description: 'b', required: true },
          ],
        },
      ],
    });
    expect(order.rawError).toMatchObject({
      errors: {
        0: {
          options: {
            1: { required: { _errors: [{ code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' }] } },
          },
        },
      },
    });
    expect(await refused(client, 'put', route, { body: [{ name: 'nodesc' }] })).toMatchObject({
      code: 50035,
    });
    expect(fake.commands().map((c) => c.name)).toEqual(['task']);
  });

  it('refuses a callback type that does not fit the interaction and lets a valid one follow', async () => {
    const client = await login();
    const interaction = await fake.slashCommand({ name: 'task' });
    const route = `/interactions/${interaction.id}/${interaction.token}/callback` as const;
    const wrongType = await client.rest
      .post(route, { body: { type: 8, data: { choices: [] } }, auth: false })
      .catch((e: unknown) => e);
    expect(wrongType).toMatchObject({ status: 400, code: 50035 });
    expect(fake.interaction(interaction).status).toBe('pending');
    const wrongToken = await client.rest
      .post(`/interactions/${interaction.id}/nope/callback`, { body: { type: 5 }, auth: false })
      .catch((e: unknown) => e);
    expect(wrongToken).toMatchObject({ status: 404, code: 10062 });
    await client.rest.post(route, { body: { type: 5 }, auth: false });
    expect(await fake.waitForCallback(interaction)).toMatchObject({ type: 5, accepted: true });
    const webhook = await client.rest
      .patch(`/webhooks/${fake.applicationId}/bad-token/messages/@original`, {
        body: { content: 'x' },
        auth: false,
      })
      .catch((e: unknown) => e);
    expect(webhook).toMatchObject({ status: 404, code: 10015 });
    expect(fake.messagesIn('general')).toMatchObject([{ content: '', loading: true }]);
  });
});

describe('fake Discord test API misuse', () => {
  it('needs a connected client before dispatching an interaction', async () => {
    await expect(fake.slashCommand({ name: 'task' })).rejects.toThrow(/no bot client is connected/);
    expect(fake.interactions()).toEqual([]);
    expect(fake.events).toEqual([]);
  });

  it('checks options against the deployed command and names what exists', async () => {
    const client = await login();
    await client.application.commands.set([
      {
        name: 'task',
        description: 'Do a task',
        options: [
          { type: 3, name: 'prompt', description: 'What', required: true },
          { type: 3, name: 'mode', description: 'How', choices: [{ name: 'Fast', value: 'fast' }] },
        ],
      },
    ]);
    await expect(
      fake.slashCommand({ name: 'task', options: { prompt: 'x', colour: 'red' } }),
    ).rejects.toThrow(/no option "colour" \(options: prompt, mode\)/);
    await expect(fake.slashCommand({ name: 'task', options: {} })).rejects.toThrow(
      /requires option "prompt"/,
    );
    await expect(fake.slashCommand({ name: 'task', options: { prompt: 3 } })).rejects.toThrow(
      /expects a string/,
    );
    await expect(fake.slashCommand({ name: 'task', options: { prompt: 'x', mode: 'slow' } })).rejects.toThrow(
      /"fast"/,
    );
    await expect(fake.autocomplete({ name: 'task', options: {}, focused: 'prompt' })).rejects.toThrow(
      /no autocomplete/,
    );
    expect(fake.interactions()).toEqual([]);
    expect(fake.events.filter((e) => e.t === 'INTERACTION_CREATE')).toEqual([]);
  });

  it('names the known users and channels when a test asks for one that does not exist', async () => {
    await expect(fake.message({ content: 'hi', author: 'mallory' })).rejects.toThrow(
      /known users: Toolsmith, alice, bob/,
    );
    await expect(fake.message({ content: 'hi', channelId: 'nowhere' })).rejects.toThrow(/#general/);
    await expect(fake.message({ content: '' })).rejects.toThrow(/Cannot send an empty message/);
    await expect(fake.clickButton({ message: '42', customId: 'x' })).rejects.toThrow();
    expect(fake.messagesIn('general')).toEqual([]);
  });

  it('rejects a bad world at creation', async () => {
    await expect(createFakeDiscord({ guilds: [{ members: [{ user: 'carol' }] }] })).rejects.toThrow(
      /unknown member "carol"/,
    );
    await expect(
      createFakeDiscord({ guilds: [{ members: [{ user: 'alice', roles: ['mods'] }] }] }),
    ).rejects.toThrow(/unknown role "mods"/);
  });
});

describe('fake gateway protocol faults', () => {
  it('says HELLO, acknowledges heartbeats and closes 4004 on a wrong token', async () => {
    const gateway = openGateway();
    expect(await gateway.next()).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    gateway.send({ op: 1, d: null });
    expect(await gateway.next()).toMatchObject({ op: 11 });
    gateway.send(identify('wrong'));
    expect(await gateway.closed).toEqual({ code: 4004, reason: 'Authentication failed.' });
    expect(fake.sessions()).toEqual([]);
  });

  it('closes 4003 for a payload before IDENTIFY, 4002 for bad JSON, 4012 for another API version', async () => {
    const early = openGateway();
    early.send({ op: 8, d: { guild_id: fake.guildId } });
    expect((await early.closed).code).toBe(4003);
    const garbled = openGateway();
    await garbled.next();
    garbled.send('not json');
    expect((await garbled.closed).code).toBe(4002);
    expect((await openGateway('?v=9&encoding=json').closed).code).toBe(4012);
  });

  it('closes 4014 for a privileged intent the application lacks', async () => {
    await fake.close();
    fake = await createFakeDiscord({ privilegedIntents: { messageContent: false } });
    const gateway = openGateway();
    await gateway.next();
    gateway.send(identify(fake.token, 1 | (1 << 15)));
    expect((await gateway.closed).code).toBe(4014);
  });

  it('answers a RESUME of an unknown session with op 9 (not resumable), then accepts IDENTIFY', async () => {
    const gateway = openGateway();
    await gateway.next();
    gateway.send({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 1 } });
    expect(await gateway.next()).toMatchObject({ op: 9, d: false });
    gateway.send(identify(fake.token));
    expect(await gateway.next()).toMatchObject({ op: 0, t: 'READY' });
    expect(await gateway.next()).toMatchObject({ op: 0, t: 'GUILD_CREATE', d: { id: fake.guildId } });
  });
});

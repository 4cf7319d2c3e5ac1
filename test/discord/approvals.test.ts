/**
 * Approvals in a thread, end to end: the agent's code calls the built-in web fetch with POST while
 * WEB_APPROVE_WRITES is on; the call waits, the thread shows the tool, its argument and three buttons;
 * only an admin (or the approver role) can press them; approve runs the call, deny makes it throw,
 * and after a restart the pending call is shown as expired. A loopback server sees what really ran.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buttonId } from '../../src/discord/button-ids.ts';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { buttonIds, replyTo, startTask, toolResults, waitForAnswers, waitForMessage } from './bot-steps.ts';

let h: BotHarness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A loopback site that records each request it receives. */
async function site(): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(`${request.method} ${body}`);
      response.writeHead(201, { 'content-type': 'text/plain' }).end('created');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`, received };
}

async function start() {
  const target = await site();
  h = await createBotHarness({
    env: { WEB_ALLOWED_HOSTS: '127.0.0.1', WEB_ALLOW_PRIVATE: 'true', WEB_APPROVE_WRITES: 'true' },
  });
  const code = `const r = await tools.web.fetch({ url: '${target.url}', method: 'POST', body: 'hello' });\nr.status`;
  return { h, target, code };
}

const isApproval = (content: string) => content.startsWith('🔐 **Approval needed**');

describe('approvals', () => {
  it('a write waits for an admin: a member without the role is refused, approval runs the call', async () => {
    const { h, target, code } = await start();
    h.anthropic.reply(h.anthropic.code(code), h.anthropic.text('Posted.'));
    // bob starts the task; in the fake's default server alice has Administrator and bob does not.
    const { thread } = await startTask(h, { prompt: 'post hello', user: 'bob' });
    const ask = await waitForMessage(h, thread.id, (m) => isApproval(m.content), 'the approval request');
    expect(ask.content).toContain('`tools.web.fetch` — a POST request can change things on the web.');
    expect(ask.content).toContain('"method": "POST"');
    const [once, forTask, deny] = buttonIds(ask);
    expect([once, forTask, deny].map((id) => id?.split(':').at(-1))).toEqual(['once', 'task', 'deny']);
    expect(target.received).toEqual([]);

    const refused = await replyTo(
      h,
      await h.discord.clickButton({ message: ask.id, customId: once ?? '', user: 'bob' }),
    );
    expect(refused.content).toBe('Only an admin or a member with the approver role can decide this.');
    expect(target.received).toEqual([]);

    const approved = await replyTo(
      h,
      await h.discord.clickButton({ message: ask.id, customId: once ?? '', user: 'alice' }),
    );
    expect(approved.content).toBe('Approved: the call goes ahead.');
    await waitForAnswers(h, thread.id);
    expect(target.received).toEqual(['POST hello']);
    expect(toolResults(h, 1)).toEqual(['=> 201']);
    const edited = h.discord.getMessage(ask.id);
    expect(edited?.content).toContain(`✅ Approved by <@${h.discord.user('alice').id}>.`);
    expect(edited && buttonIds(edited)).toEqual([]);
    const audit = h.app.audit.list(thread.id).filter((row) => row.kind === 'approval');
    expect(audit.map((row) => [row.actor, row.data.approved])).toEqual([[h.discord.user('alice').id, true]]);
  });

  it('a denied call throws a ToolError in the code and nothing is sent', async () => {
    const { h, target, code } = await start();
    h.anthropic.reply(
      h.anthropic.code(
        `let out;\ntry { ${code.replace('\nr.status', '; out = r.status;')} } catch (e) { out = e.message }\nout`,
      ),
      h.anthropic.text('It was denied.'),
    );
    const { thread } = await startTask(h, { prompt: 'post hello', user: 'bob' });
    const ask = await waitForMessage(h, thread.id, (m) => isApproval(m.content), 'the approval request');
    const deny = buttonIds(ask)[2] ?? '';
    await replyTo(h, await h.discord.clickButton({ message: ask.id, customId: deny, user: 'alice' }));
    await waitForAnswers(h, thread.id);
    expect(target.received).toEqual([]);
    expect(toolResults(h, 1)).toEqual([`=> 'tools.web.fetch was denied by ${h.discord.user('alice').id}'`]);
    expect(h.discord.getMessage(ask.id)?.content).toContain('❌ Denied by');
  });

  it('a restart ends a pending call unrun and says so; a stale button is answered as expired', async () => {
    const { h, target, code } = await start();
    h.anthropic.reply(h.anthropic.code(code));
    const { thread } = await startTask(h, { prompt: 'post hello', user: 'bob' });
    const ask = await waitForMessage(h, thread.id, (m) => isApproval(m.content), 'the approval request');
    await h.restart();
    await waitForMessage(h, thread.id, (m) => m.content.includes('restarted while'), 'the restart notice');
    const ended = h.discord.getMessage(ask.id);
    expect(ended?.content).toContain('⏹️ Not run: the run ended before a decision.');
    expect(ended && buttonIds(ended)).toEqual([]);
    // A button left from a process that crashed (no chance to edit): its click says it expired.
    const channel = await h.bot.client.channels.fetch(thread.id);
    if (!channel?.isSendable()) throw new Error('thread not sendable');
    const stale = await channel.send({
      content: '🔐 **Approval needed**: `tools.web.fetch`',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder()
            .setCustomId(buttonId({ kind: 'approval', approvalId: 'gone-with-the-crash', choice: 'once' }))
            .setLabel('Approve once')
            .setStyle(ButtonStyle.Success),
        ),
      ],
    });
    const click = await h.discord.clickButton({
      message: stale.id,
      customId: buttonIds(h.discord.getMessage(stale.id)!)[0] ?? '',
      user: 'alice',
    });
    await h.discord.waitForCallback(click);
    await h.discord.waitFor(
      () => h.discord.getMessage(stale.id)?.content.includes('⌛ Expired'),
      5000,
      'the edit',
    );
    expect(h.discord.getMessage(stale.id)?.content).toContain(
      "⌛ Expired: this call's run ended before a decision, so nothing ran.",
    );
    expect(target.received).toEqual([]);
  });
});

/**
 * Answers within Discord's rules: split at paragraph or line boundaries with code blocks intact, a
 * very long one attached as answer.md, and no mention in model output ever pings anyone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { botMessages, buttonIds, startTask, waitForAnswers } from './bot-steps.ts';

let h: BotHarness;
beforeEach(async () => {
  h = await createBotHarness();
});
afterEach(async () => {
  await h.close();
});

const fences = (text: string) => text.split('\n').filter((line) => line.trim().startsWith('```')).length;

function longAnswer(codeLines: number): string {
  const intro = Array.from(
    { length: 6 },
    (_, i) => `Paragraph ${i}: ${'the data shows a clear trend. '.repeat(8)}`,
  );
  const code = Array.from({ length: codeLines }, (_, i) => `  total += rows[${i}].amount; // row ${i}`);
  return `${intro.join('\n\n')}\n\n\`\`\`js\nlet total = 0;\n${code.join('\n')}\n\`\`\`\n\nThat is the whole script.`;
}

describe('answers', () => {
  it('a long answer is split into messages of at most 2000 characters with code blocks balanced', async () => {
    const answer = longAnswer(50);
    expect(answer.length).toBeGreaterThan(3000);
    h.anthropic.reply(h.anthropic.text(answer));
    const { thread } = await startTask(h, { prompt: 'explain at length' });
    await waitForAnswers(h, thread.id);
    const parts = botMessages(h, thread.id).slice(2);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThanOrEqual(3);
    for (const part of parts) {
      expect(part.content.length).toBeLessThanOrEqual(2000);
      expect(fences(part.content) % 2).toBe(0);
      expect(part.attachments).toEqual([]);
    }
    // the buttons are on the last part only
    expect(parts.map((p) => buttonIds(p).length > 0)).toEqual(parts.map((_, i) => i === parts.length - 1));
    // nothing was lost: every line of the answer is in the parts, in order
    const posted = parts.map((p) => p.content).join('\n');
    let at = 0;
    for (const line of answer.split('\n').filter((l) => l.trim() && !l.startsWith('```'))) {
      const found = posted.indexOf(line, at);
      expect(found, `line missing: ${line}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
    expect(parts.at(-1)?.content.endsWith('That is the whole script.')).toBe(true);
  });

  it('a very long answer is sent as answer.md with the start of it in the message', async () => {
    const answer = longAnswer(400);
    expect(answer.length).toBeGreaterThan(6000);
    h.anthropic.reply(h.anthropic.text(answer));
    const { thread } = await startTask(h, { prompt: 'write a huge report' });
    const [message] = await waitForAnswers(h, thread.id);
    expect(message?.content.length).toBeLessThanOrEqual(2000);
    expect(message?.content.startsWith('Paragraph 0:')).toBe(true);
    expect(message?.content.endsWith('*(the full answer is attached as answer.md)*')).toBe(true);
    expect(fences(message?.content ?? '') % 2).toBe(0);
    expect(message?.attachments.map((a) => a.filename)).toEqual(['answer.md']);
    const upload = h.discord.requests.find((r) => r.files.some((f) => f.name === 'answer.md'));
    expect(upload?.files[0]?.data.toString('utf8')).toBe(answer);
    expect(upload?.auth).toBe('bot');
    // one message for the answer: no split parts besides it
    expect(botMessages(h, thread.id)).toHaveLength(3);
  });

  it('a model answer with @everyone, a user and a role mention pings nobody', async () => {
    const bob = h.discord.user('bob').id;
    const admins = h.discord.roleId('admin');
    h.anthropic.reply(
      h.anthropic.code(`console.log('@everyone look'); '<@${bob}>'`),
      h.anthropic.text(`Done! @everyone @here <@${bob}> <@&${admins}> have a look.`),
    );
    const { thread } = await startTask(h, { prompt: 'tell everyone', user: 'alice' });
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe(`Done! @everyone @here <@${bob}> <@&${admins}> have a look.`);
    for (const message of botMessages(h, thread.id)) {
      expect(message.allowedMentions).toEqual({ parse: [] });
      expect(message.mentions).toEqual([]);
      expect(message.mentionEveryone).toBe(false);
    }
    // every message and edit the bot sent carried allowed_mentions { parse: [] }
    const writes = h.discord.requests.filter(
      (r) =>
        r.path.startsWith(`/channels/${thread.id}/messages`) && (r.method === 'POST' || r.method === 'PATCH'),
    );
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const write of writes) expect(write.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });
});

/**
 * An image attached to /task, or to a message in the thread, reaches the model as an image block (and
 * the workspace as a file); a text file does not.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { startTask, waitForAnswers } from './bot-steps.ts';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

/** The image blocks of one request the fake Messages API received. */
function imageBlocks(h: BotHarness, index: number): { type: string; source?: { media_type?: string } }[] {
  const body = h.anthropic.requests[index]?.body;
  return (body?.messages ?? []).flatMap((message) =>
    typeof message.content === 'string'
      ? []
      : (message.content as { type: string; source?: { media_type?: string } }[]).filter(
          (b) => b.type === 'image',
        ),
  );
}

describe('images in', () => {
  it('an image attached to /task and one sent in the thread are shown to the model', async () => {
    h = await createBotHarness();
    h.anthropic.reply(h.anthropic.text('A blue square.'), h.anthropic.text('Two blue squares.'));
    const { thread } = await startTask(h, {
      prompt: 'what is in this picture?',
      file: { name: 'square.png', content: new Uint8Array(await png(40, 40)), contentType: 'image/png' },
    });
    await waitForAnswers(h, thread.id);
    expect(imageBlocks(h, 0).map((b) => b.source?.media_type)).toEqual(['image/png']);
    await h.discord.message({
      channelId: thread.id,
      author: 'alice',
      content: 'and this one?',
      attachments: [
        { name: 'second.png', content: new Uint8Array(await png(20, 20)), contentType: 'image/png' },
      ],
    });
    await waitForAnswers(h, thread.id, 2);
    // The first image stays in the transcript; the second one is added with its message.
    expect(imageBlocks(h, 1)).toHaveLength(2);
  });

  it('a text attachment is a file in the workspace, not an image', async () => {
    h = await createBotHarness();
    h.anthropic.reply(h.anthropic.text('ok'));
    const { thread } = await startTask(h, {
      prompt: 'look',
      file: { name: 'notes.txt', content: 'just text', contentType: 'text/plain' },
    });
    await waitForAnswers(h, thread.id);
    expect(imageBlocks(h, 0)).toEqual([]);
  });
});

/**
 * Images in: a workspace image given with a message reaches the fake Messages API (real SDK, loopback)
 * as an image block within the API's limits (downscaled when bigger; the fake checks size, format and
 * dimensions as the API does), a file that is no image is named to the model instead, a saved
 * transcript keeps only the image's path, and a loaded one sends the image again.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlockParam } from '../helpers/fake-anthropic/validate.ts';
import { validateBody } from '../helpers/fake-anthropic/validate.ts';
import { type AgentHarness, createAgentHarness } from './harness.ts';

let h: AgentHarness;
beforeEach(async () => {
  h = await createAgentHarness();
});
afterEach(() => h.close());

/** The blocks of the first user message of request `index`. */
function firstUserBlocks(index: number): BlockParam[] {
  const content = h.fake.requests[index]?.body?.messages[0]?.content;
  return Array.isArray(content) ? content : [];
}

async function decoded(block: BlockParam | undefined) {
  const source = block?.source as { media_type: string; data: string };
  const meta = await sharp(Buffer.from(source.data, 'base64')).metadata();
  return {
    mediaType: source.media_type,
    format: meta.format,
    width: meta.width,
    height: meta.height,
    chars: source.data.length,
  };
}

/** A PNG whose header claims `width`×`height` (a decompression bomb's shape), with a valid CRC. */
async function claimedPng(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

describe('images in', () => {
  it('sends a big chart downscaled as an image block before the text, naming the file', async () => {
    await writeFile(
      path.join(h.workspaceDir, 'chart.png'),
      await sharp({ create: { width: 8200, height: 600, channels: 4, background: '#3366cc80' } })
        .png()
        .toBuffer(),
    );
    h.fake.reply(h.fake.text('A blue rectangle.'));
    const report = await h.session().send('What does this chart show?', { images: ['chart.png'] });
    expect(report.ok).toBe(true);
    const [image, text] = firstUserBlocks(0);
    expect(image?.type).toBe('image');
    const sent = await decoded(image);
    expect(sent).toMatchObject({ mediaType: 'image/png', format: 'png', width: 1568, height: 114 });
    expect((sent.width ?? 0) * (sent.height ?? 0)).toBeLessThanOrEqual(1_150_000);
    expect(text?.text).toBe(
      '[Images attached, in this order, also in the workspace: chart.png (8200×600, shown at 1568×114).]\n\nWhat does this chart show?',
    );
  });

  it('keeps a photo a JPEG, keeps every image within 5 MB, sends a small one as it is, names what is no image', async () => {
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#8a7' } })
      .jpeg()
      .toBuffer();
    await writeFile(path.join(h.workspaceDir, 'photo.jpg'), photo);
    // Few enough pixels, but 4.5 MB of incompressible PNG: over the API's 5 MB once in base64.
    const noisy = await sharp({
      create: {
        width: 1200,
        height: 950,
        channels: 4,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 80 },
      },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(Math.ceil(noisy.length / 3) * 4).toBeGreaterThan(5 * 1024 * 1024);
    await writeFile(path.join(h.workspaceDir, 'noisy.png'), noisy);
    const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f00' } })
      .gif()
      .toBuffer();
    await writeFile(path.join(h.workspaceDir, 'small.gif'), small);
    await writeFile(path.join(h.workspaceDir, 'fake.png'), 'just text');
    await writeFile(path.join(h.workspaceDir, 'bomb.png'), await claimedPng(30_000, 30_000));
    h.fake.reply(h.fake.text('A photo, noise and a red square.'));
    await h.session().send('Describe these.', {
      images: ['photo.jpg', 'small.gif', 'noisy.png', 'fake.png', 'bomb.png', '../x.png'],
    });
    const blocks = firstUserBlocks(0);
    expect(blocks.map((block) => block.type)).toEqual(['image', 'image', 'image', 'text']);
    expect(await decoded(blocks[0])).toMatchObject({
      mediaType: 'image/jpeg',
      format: 'jpeg',
      width: 1238,
      height: 928,
    });
    expect((blocks[1]?.source as { data: string } | undefined)?.data).toBe(small.toString('base64'));
    const sentNoisy = await decoded(blocks[2]);
    expect(sentNoisy).toMatchObject({ mediaType: 'image/jpeg', format: 'jpeg', width: 1200, height: 950 });
    expect(sentNoisy.chars).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(blocks[3]?.text).toBe(
      '[Images attached, in this order, also in the workspace: photo.jpg (4000×3000, shown at 1238×928), ' +
        'small.gif (64×48), noisy.png (1200×950). ' +
        'Images in the workspace but not shown to you: fake.png (it is not a PNG, JPEG, GIF or WebP image); ' +
        'bomb.png (it is 30000×30000 pixels, over the 100-megapixel limit for an image); ' +
        '../x.png (path "../x.png" climbs out with ".."; use a path inside the workspace such as "notes/today.txt").]\n\nDescribe these.',
    );
  });

  it('saves only the path, and sends the image again from the workspace after a restore', async () => {
    await writeFile(
      path.join(h.workspaceDir, 'plot.webp'),
      await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0a0' } })
        .webp()
        .toBuffer(),
    );
    h.fake.reply(h.fake.text('Green.'));
    const first = h.session();
    await first.send('Colour?', { images: ['plot.webp'] });
    const snapshot = first.snapshot();
    expect(snapshot.messages[0]?.content[0]).toEqual({
      type: 'image',
      mediaType: 'image/webp',
      path: 'plot.webp',
    });
    expect(JSON.stringify(snapshot).length).toBeLessThan(2000);

    h.fake.reply(h.fake.text('Still green.'));
    await h.session({ restore: JSON.parse(JSON.stringify(snapshot)) }).send('And now?');
    const [image] = firstUserBlocks(1);
    expect(await decoded(image)).toMatchObject({ mediaType: 'image/webp', width: 300, height: 200 });

    await rm(path.join(h.workspaceDir, 'plot.webp'));
    h.fake.reply(h.fake.text('It is gone.'));
    await h.session({ restore: JSON.parse(JSON.stringify(snapshot)) }).send('And now?');
    expect(firstUserBlocks(2)[0]).toMatchObject({
      type: 'text',
      text: '[The image plot.webp shown here earlier cannot be shown again: it is not in the workspace.]',
    });
  });
});

describe('the fake Messages API checks images as the API does', () => {
  const body = (source: Record<string, unknown>) =>
    JSON.stringify({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source },
            { type: 'text', text: 'hi' },
          ],
        },
      ],
    });

  it('refuses an image over 8000 px a side, over 5 MB, or not of its media type', async () => {
    const wide = await sharp({ create: { width: 8001, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(
      validateBody(body({ type: 'base64', media_type: 'image/png', data: wide.toString('base64') })),
    ).toEqual({
      ok: false,
      message:
        'messages.0.content.0.image.source.base64.data: At least one of the image dimensions exceed max allowed size: 8000 pixels',
    });
    expect(
      validateBody(body({ type: 'base64', media_type: 'image/jpeg', data: wide.toString('base64') })),
    ).toMatchObject({
      message:
        'messages.0.content.0.image.source.base64: Image does not match the provided media type image/jpeg',
    });
    const huge = 'A'.repeat(5 * 1024 * 1024 + 4);
    expect(validateBody(body({ type: 'base64', media_type: 'image/png', data: huge }))).toMatchObject({
      message:
        'messages.0.content.0.image.source.base64: image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes',
    });
  });
});

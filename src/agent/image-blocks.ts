/**
 * Images given with a message (attachments already in the workspace) as image blocks for the model,
 * and the upkeep that keeps transcripts small: a saved transcript keeps only each image's workspace
 * path; a loaded one has its images prepared again from the workspace before it is sent.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ContentBlock, ImageBlock, Message } from '../model/types.ts';
import { formatBytes } from '../text/format-numbers.ts';
import { resolveInside, workspaceRoot } from '../tools/builtin/workspace-paths.ts';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, prepareImage } from './prepare-image.ts';

/** Most images shown with one message (the API takes 100 per request, whole conversation included). */
export const MAX_IMAGES_PER_MESSAGE = 20;

export interface ImageBlocks {
  blocks: ImageBlock[];
  /** One line for the model about the images: which files they are, and any not shown and why. */
  note: string | undefined;
}

/** Image blocks for the workspace files `paths` (relative to `workspaceDir`). Never throws. */
export async function imageBlocks(
  workspaceDir: string,
  paths: readonly string[],
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<ImageBlocks> {
  const blocks: ImageBlock[] = [];
  const shown: string[] = [];
  const refused: string[] = [];
  for (const [index, relative] of paths.entries()) {
    if (index >= MAX_IMAGES_PER_MESSAGE) {
      refused.push(`${relative} (over the ${MAX_IMAGES_PER_MESSAGE}-image limit of one message)`);
      continue;
    }
    const prepared = await loadImage(workspaceDir, relative, limits);
    if (!prepared.ok) {
      refused.push(`${relative} (${prepared.reason})`);
      continue;
    }
    blocks.push({ type: 'image', mediaType: prepared.mediaType, path: relative, data: prepared.data });
    const { width, height } = prepared.original;
    shown.push(
      prepared.width === width && prepared.height === height
        ? `${relative} (${width}×${height})`
        : `${relative} (${width}×${height}, shown at ${prepared.width}×${prepared.height})`,
    );
  }
  const lines = [
    shown.length > 0 ? `Images attached, in this order, also in the workspace: ${shown.join(', ')}.` : '',
    refused.length > 0 ? `Images in the workspace but not shown to you: ${refused.join('; ')}.` : '',
  ].filter(Boolean);
  return { blocks, note: lines.length > 0 ? `[${lines.join(' ')}]` : undefined };
}

/**
 * Prepare again, from the workspace, the images of a loaded transcript (they were saved without
 * their data). An image no longer there becomes a text block saying so. Changes `messages` in place.
 */
export async function hydrateImages(
  messages: Message[],
  workspaceDir: string,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<void> {
  for (const message of messages) {
    for (const [index, block] of message.content.entries()) {
      if (block.type !== 'image' || block.data) continue;
      const prepared = await loadImage(workspaceDir, block.path, limits);
      message.content[index] = prepared.ok
        ? { ...block, mediaType: prepared.mediaType, data: prepared.data }
        : {
            type: 'text',
            text: `[The image ${block.path} shown here earlier cannot be shown again: ${prepared.reason}.]`,
          };
    }
  }
}

/** A copy of `messages` for saving: image blocks keep their path, not their data. */
export function withoutImageData(messages: readonly Message[]): Message[] {
  return messages.map((message) => ({
    role: message.role,
    content: message.content.map(
      (block): ContentBlock =>
        block.type === 'image'
          ? { type: 'image', mediaType: block.mediaType, path: block.path }
          : structuredClone(block),
    ),
  }));
}

async function loadImage(workspaceDir: string, relative: string, limits: ImageLimits) {
  try {
    const file = await resolveInside(await workspaceRoot(workspaceDir), relative);
    const info = await stat(file);
    if (!info.isFile()) return { ok: false as const, reason: 'it is not a file' };
    if (info.size > limits.maxInputBytes) {
      return {
        ok: false as const,
        reason: `it is ${formatBytes(info.size)}, over the ${formatBytes(limits.maxInputBytes)} limit for an image`,
      };
    }
    return await prepareImage(await readFile(file), limits);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    return {
      ok: false as const,
      reason:
        code === 'ENOENT'
          ? 'it is not in the workspace'
          : error instanceof Error
            ? error.message
            : String(error),
    };
  }
}

/** The saved form of a task session (transcript, not sandbox state) and the schema that checks it on the way back. */
import { z } from 'zod';
import { IMAGE_MEDIA_TYPES } from '../model/image-media-type.ts';
import type { Message, Usage } from '../model/types.ts';
import type { OfferedSkill, TaskScope } from './types.ts';

/** The saved form of a session (transcript, not sandbox state). */
export interface SessionSnapshot {
  id: string;
  scope: TaskScope;
  workspaceDir: string;
  messages: Message[];
  usage: Usage;
  costUsd: number;
  /** Skills offered in this session's prompt, kept so follow-ups keep seeing them. */
  skills: OfferedSkill[];
}

const ContentBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool_result'),
    toolUseId: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
  // Saved without its data (the workspace file at `path` is prepared again on load).
  z.object({
    type: z.literal('image'),
    mediaType: z.enum(IMAGE_MEDIA_TYPES),
    path: z.string(),
    data: z.string().optional(),
  }),
]);

/** Checks a saved transcript read back from the store. */
export const SessionSnapshotSchema = z.object({
  id: z.string(),
  scope: z.object({ scope: z.string(), author: z.string() }),
  workspaceDir: z.string(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(ContentBlockSchema) })),
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheWriteTokens: z.number(),
    cacheReadTokens: z.number(),
    // A restored session still knows its cost is unknown (tokens of a model with no price).
    unpricedTokens: z.number().optional(),
    estimatedTokens: z.number().optional(),
  }),
  costUsd: z.number(),
  skills: z.array(
    z.object({
      name: z.string(),
      identifier: z.string(),
      description: z.string(),
      signature: z.string(),
      code: z.string(),
      provenance: z.string(),
      score: z.number(),
    }),
  ),
}) satisfies z.ZodType<SessionSnapshot>;

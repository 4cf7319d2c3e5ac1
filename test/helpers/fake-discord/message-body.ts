/**
 * The message body the REST API accepts (create and edit, channel and webhook), checked with zod as
 * Discord checks it, and the mention rules: which users a message pings after `allowed_mentions`.
 */
import { z } from 'zod';
import { discordErrors, formError } from './discord-error.ts';
import type { FakeState, MessageRecord } from './state.ts';

const Snowflake = z.string().regex(/^\d{1,20}$/, 'Value is not snowflake.');

export const AllowedMentionsSchema = z.looseObject({
  parse: z.array(z.enum(['roles', 'users', 'everyone'])).optional(),
  users: z.array(Snowflake).max(100).optional(),
  roles: z.array(Snowflake).max(100).optional(),
  replied_user: z.boolean().optional(),
});

const AttachmentRefSchema = z.looseObject({
  id: z.union([z.string(), z.number().int()]),
  filename: z.string().max(1024).optional(),
  description: z.string().max(1024).nullish(),
});

/** Fields of POST/PATCH message bodies; null clears a field in an edit. */
export const MessageBodySchema = z.looseObject({
  content: z.string().max(2000, 'Must be 2000 or fewer in length.').nullish(),
  embeds: z.array(z.looseObject({})).max(10).nullish(),
  components: z
    .array(z.looseObject({ type: z.number().int() }))
    .max(40)
    .nullish(),
  allowed_mentions: AllowedMentionsSchema.nullish(),
  message_reference: z
    .looseObject({
      message_id: Snowflake,
      channel_id: Snowflake.optional(),
      fail_if_not_exists: z.boolean().optional(),
      type: z.number().int().optional(),
    })
    .nullish(),
  flags: z.number().int().nonnegative().nullish(),
  attachments: z.array(AttachmentRefSchema).max(10).nullish(),
  tts: z.boolean().nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
  sticker_ids: z.array(Snowflake).max(3).nullish(),
  poll: z.looseObject({}).nullish(),
});

export type MessageBody = z.infer<typeof MessageBodySchema>;

/** Parse a message body or throw Discord's 400 Invalid Form Body. */
export function parseMessageBody(json: unknown): MessageBody {
  const parsed = MessageBodySchema.safeParse(json ?? {});
  if (!parsed.success) throw formError(parsed.error);
  const mentions = parsed.data.allowed_mentions;
  if (mentions?.parse?.includes('users') && mentions.users?.length) {
    throw discordErrors.invalidForm(
      ['allowed_mentions', 'parse'],
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["users"] and users: [ids...] are mutually exclusive.',
    );
  }
  if (mentions?.parse?.includes('roles') && mentions.roles?.length) {
    throw discordErrors.invalidForm(
      ['allowed_mentions', 'parse'],
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
      'parse:["roles"] and roles: [ids...] are mutually exclusive.',
    );
  }
  return parsed.data;
}

export interface Mentions {
  users: string[];
  roles: string[];
  everyone: boolean;
}

/**
 * Who a message pings: mentions written in the content, kept only where `allowed_mentions` allows
 * (no allowed_mentions: everything written pings, and a reply pings the replied-to author).
 */
export function resolveMentions(
  state: FakeState,
  content: string,
  allowed: unknown,
  replyTo: MessageRecord | undefined,
): Mentions {
  const written = {
    users: [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? '').filter((id) => state.users.has(id)),
    roles: [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? ''),
    everyone: /@(everyone|here)\b/.test(content),
  };
  const parsed = AllowedMentionsSchema.safeParse(allowed);
  const rules = allowed === undefined || allowed === null || !parsed.success ? undefined : parsed.data;
  const users = rules
    ? written.users.filter((id) => rules.parse?.includes('users') || rules.users?.includes(id))
    : written.users;
  const roles = rules
    ? written.roles.filter((id) => rules.parse?.includes('roles') || rules.roles?.includes(id))
    : written.roles;
  const everyone = rules ? written.everyone && Boolean(rules.parse?.includes('everyone')) : written.everyone;
  const pingReply = rules ? rules.replied_user === true : true;
  if (replyTo && pingReply && !users.includes(replyTo.authorId)) users.push(replyTo.authorId);
  return { users: [...new Set(users)], roles: [...new Set(roles)], everyone };
}

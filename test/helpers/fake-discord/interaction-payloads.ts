/**
 * INTERACTION_CREATE payloads as Discord builds them: the member with computed permissions, the channel,
 * and for commands the option tree with `resolved` users, members, roles, channels and attachments.
 * Options are typed by the deployed command when there is one (and checked against it), else inferred.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import { toApiChannel, toApiMember, toApiMessage, toApiRole, toApiUser } from './api-shapes.ts';
import { findCommand } from './commands.ts';
import type { FakeContext } from './context.ts';
import {
  type ChannelRecord,
  type CommandOptionDef,
  findChannel,
  findMember,
  findRole,
  findUser,
  type GuildRecord,
  memberPermissions,
  requireChannel,
  requireGuild,
  requireUser,
  type UserRecord,
} from './state.ts';
import type { AttachmentInput, UserRef } from './types.ts';

/** An attachment option: an attachment made with `fake.attachment()`, or bytes to upload. */
export type AttachmentOption = APIAttachment | AttachmentInput;
export type OptionValue = string | number | boolean | AttachmentOption;

export interface InteractionTarget {
  /** Who runs it (default alice, or the first non-bot member). */
  user?: UserRef;
  /** Channel id or name (default #general, or the guild's first text channel). */
  channelId?: string;
  /** Guild id or name (default the first guild). */
  guildId?: string;
  locale?: string;
}

export interface SlashCommandInput extends InteractionTarget {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Option values by name: strings, numbers, booleans; users, channels and roles by name or id. */
  options?: Record<string, OptionValue>;
  /** Attachment options by name (same as putting them in `options`). */
  attachments?: Record<string, AttachmentOption>;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** The option being typed; its value in `options` is the partial text (default ''). */
  focused: string;
}

interface Resolved {
  users: Record<string, unknown>;
  members: Record<string, unknown>;
  roles: Record<string, unknown>;
  channels: Record<string, unknown>;
  attachments: Record<string, unknown>;
}

export interface Actor {
  guild: GuildRecord;
  channel: ChannelRecord;
  user: UserRecord;
}

/** Resolve who acts where, with errors that name what exists. */
export function resolveActor(ctx: FakeContext, target: InteractionTarget): Actor {
  const { state } = ctx;
  const guild = requireGuild(state, target.guildId);
  const channel = target.channelId
    ? requireChannel(state, target.channelId, guild.id)
    : (findChannel(state, 'general', guild.id) ??
      [...state.channels.values()].find((c) => c.guildId === guild.id && c.type === 0));
  if (!channel) throw new Error(`fake-discord: guild "${guild.name}" has no text channel`);
  const fallback = guild.members.find((m) => m.userId !== state.botId)?.userId ?? state.botId;
  const user = requireUser(state, target.user ?? (findUser(state, 'alice') ? 'alice' : fallback));
  if (!findMember(guild, user.id))
    throw new Error(`fake-discord: ${user.username} is not a member of "${guild.name}"`);
  return { guild, channel, user };
}

/** The fields every guild interaction carries. */
export function interactionBase(
  ctx: FakeContext,
  actor: Actor,
  type: number,
  id: string,
  token: string,
  locale?: string,
) {
  const { state } = ctx;
  const { guild, channel, user } = actor;
  const member = findMember(guild, user.id);
  const botMember = findMember(guild, state.botId);
  if (!member || !botMember) throw new Error('fake-discord: member records are missing');
  return {
    id,
    application_id: state.application.id,
    type,
    token,
    version: 1,
    guild_id: guild.id,
    guild: { id: guild.id, locale: 'en-US', features: [] },
    channel_id: channel.id,
    channel: toApiChannel(channel, state.botId),
    member: { ...toApiMember(state, member), permissions: memberPermissions(guild, member).toString() },
    app_permissions: memberPermissions(guild, botMember).toString(),
    locale: locale ?? 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { 0: guild.id },
    context: 0,
    attachment_size_limit: ctx.settings.maxUploadBytes,
  };
}

/** `data` of a chat input command or autocomplete interaction. */
export function commandData(ctx: FakeContext, actor: Actor, input: SlashCommandInput, focused?: string) {
  const command = findCommand(ctx.state, actor.guild.id, input.name);
  const resolved: Resolved = { users: {}, members: {}, roles: {}, channels: {}, attachments: {} };
  const values: Record<string, OptionValue> = { ...input.options, ...input.attachments };
  if (focused !== undefined && values[focused] === undefined) values[focused] = '';

  let defs = command?.options;
  const path: Array<{ type: 1 | 2; name: string }> = [];
  for (const [type, name] of [
    [2, input.subcommandGroup],
    [1, input.subcommand],
  ] as const) {
    if (name === undefined) continue;
    if (command) {
      const def = defs?.find((o) => o.type === type && o.name === name);
      if (!def)
        throw new Error(
          `fake-discord: /${input.name} has no ${type === 1 ? 'subcommand' : 'group'} "${name}"`,
        );
      defs = def.options;
    }
    path.push({ type, name });
  }
  const leaf = Object.entries(values).map(([name, value]) => {
    const def = defs?.find((o) => o.name === name);
    if (command && !def) {
      const known = (defs ?? []).map((o) => o.name).join(', ') || 'none';
      throw new Error(`fake-discord: /${input.name} has no option "${name}" (options: ${known})`);
    }
    const option = toOption(ctx, actor, name, value, def, resolved);
    if (name !== focused) return option;
    if (command && !def?.autocomplete)
      throw new Error(`fake-discord: option "${name}" of /${input.name} has no autocomplete`);
    return { ...option, focused: true };
  });
  if (command && focused === undefined) {
    for (const def of defs ?? []) {
      if (def.required && values[def.name] === undefined && def.type > 2) {
        throw new Error(`fake-discord: /${input.name} requires option "${def.name}"`);
      }
    }
  }
  let options: unknown[] = leaf;
  for (const level of [...path].reverse()) options = [{ type: level.type, name: level.name, options }];
  const hasResolved = Object.values(resolved).some((group) => Object.keys(group).length > 0);
  return {
    id: command?.id ?? ctx.ids.next(),
    name: input.name,
    type: 1,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    ...(options.length ? { options } : {}),
    ...(hasResolved
      ? {
          resolved: Object.fromEntries(
            Object.entries(resolved).filter(([, group]) => Object.keys(group).length),
          ),
        }
      : {}),
  };
}

function toOption(
  ctx: FakeContext,
  actor: Actor,
  name: string,
  value: OptionValue,
  def: CommandOptionDef | undefined,
  resolved: Resolved,
) {
  const { state } = ctx;
  const type = def?.type ?? inferType(value);
  const fail = (what: string) =>
    new Error(`fake-discord: option "${name}" expects ${what}, got ${JSON.stringify(value)}`);
  if (type === 3 || type === 4 || type === 10 || type === 5) {
    const expected = type === 3 ? 'string' : type === 5 ? 'boolean' : 'number';
    if (typeof value !== expected) throw fail(`a ${expected}`);
    if (type === 4 && !Number.isInteger(value)) throw fail('an integer');
    const choices = def?.choices;
    if (choices?.length && !choices.some((c) => c.value === value)) {
      throw fail(`one of ${choices.map((c) => JSON.stringify(c.value)).join(', ')}`);
    }
    return { name, type, value };
  }
  if (type === 11) {
    if (typeof value !== 'object') throw fail('an attachment');
    const attachment = 'url' in value ? value : ctx.attachments.create(value, { ephemeral: true });
    resolved.attachments[attachment.id] = attachment;
    return { name, type, value: attachment.id };
  }
  if (typeof value !== 'string') throw fail('a name or id');
  if (type === 6 || type === 9) {
    const user = findUser(state, value);
    const member = user ? findMember(actor.guild, user.id) : undefined;
    if (user) {
      resolved.users[user.id] = toApiUser(user);
      if (member) {
        const { user: _user, ...partial } = toApiMember(state, member);
        resolved.members[user.id] = {
          ...partial,
          permissions: memberPermissions(actor.guild, member).toString(),
        };
      }
      return { name, type, value: user.id };
    }
    if (type === 6) throw fail('a user');
  }
  if (type === 8 || type === 9) {
    const role = findRole(actor.guild, value);
    if (!role) throw fail(type === 8 ? 'a role' : 'a user or role');
    resolved.roles[role.id] = toApiRole(role);
    return { name, type, value: role.id };
  }
  if (type === 7) {
    const channel = findChannel(state, value, actor.guild.id);
    if (!channel) throw fail('a channel');
    const { id, name: channelName, type: channelType, parent_id, thread_metadata } = toApiChannel(channel);
    resolved.channels[channel.id] = {
      id,
      name: channelName,
      type: channelType,
      parent_id,
      permissions: memberPermissions(
        actor.guild,
        findMember(actor.guild, actor.user.id) ?? actor.guild.members[0]!,
      ).toString(),
      ...(thread_metadata ? { thread_metadata } : {}),
    };
    return { name, type, value: channel.id };
  }
  throw fail(`option type ${type}`);
}

function inferType(value: OptionValue): number {
  if (typeof value === 'string') return 3;
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 11;
}

/** `data` and `message` of a button click, checking the message really has that enabled button. */
export function buttonData(ctx: FakeContext, messageId: string, customId: string) {
  const record = ctx.state.messages.get(messageId);
  if (!record || record.deleted)
    throw new Error(`fake-discord: no message ${messageId} to click a button on`);
  const buttons = findButtons(record.components);
  const button = buttons.find((b) => b.custom_id === customId);
  if (!button) {
    const known = buttons.map((b) => b.custom_id).join(', ') || 'none';
    throw new Error(`fake-discord: message ${messageId} has no button "${customId}" (buttons: ${known})`);
  }
  if (button.disabled) throw new Error(`fake-discord: button "${customId}" is disabled`);
  return {
    record,
    data: { custom_id: customId, component_type: 2 },
    message: toApiMessage(ctx.state, record),
  };
}

/** Buttons anywhere in a component tree (action rows, sections, containers). */
function findButtons(components: unknown[]): Array<{ custom_id: string; disabled: boolean }> {
  const out: Array<{ custom_id: string; disabled: boolean }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const fields = new Map<string, unknown>(Object.entries(node));
    const customId = fields.get('custom_id');
    if (fields.get('type') === 2 && typeof customId === 'string') {
      out.push({ custom_id: customId, disabled: fields.get('disabled') === true });
    }
    visit(fields.get('components'));
    visit(fields.get('accessory'));
  };
  visit(components);
  return out;
}

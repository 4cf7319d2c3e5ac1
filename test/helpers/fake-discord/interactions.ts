/**
 * Interactions the fake has sent: each must be acknowledged through its callback within the ack window
 * (3 s on Discord) or it fails ("The application did not respond"), after which the callback answers
 * 404 Unknown interaction. Callback types create or edit messages as Discord does.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { toApiMessage } from './api-shapes.ts';
import type { FakeContext } from './context.ts';
import { DiscordError, discordErrors, formError } from './discord-error.ts';
import { parseMessageBody } from './message-body.ts';
import { createMessage, editMessage, MessageFlags } from './messages.ts';
import type { RestResult } from './router.ts';
import type { CallbackRecord, InteractionRecord, RecordedFile } from './types.ts';

/** Callback types each interaction type accepts (2 command, 3 component, 4 autocomplete, 5 modal submit). */
const ALLOWED_CALLBACKS: Record<number, readonly number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

const CallbackSchema = z.looseObject({ type: z.number().int().min(1).max(12), data: z.unknown().optional() });

const ChoicesSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        name: z.string().min(1).max(100),
        value: z.union([z.string().max(100), z.number()]),
      }),
    )
    .max(25),
});

const ModalSchema = z.looseObject({
  custom_id: z.string().min(1).max(100),
  title: z.string().min(1).max(45),
  components: z
    .array(z.looseObject({ type: z.number().int() }))
    .min(1)
    .max(5),
});

export interface InteractionRegistry {
  /** Record a new interaction and start its ack timer. */
  register(
    record: Omit<InteractionRecord, 'status' | 'callbacks' | 'followUpIds' | 'createdAt'>,
  ): InteractionRecord;
  get(id: string): InteractionRecord | undefined;
  byToken(applicationId: string, token: string): InteractionRecord | undefined;
  all(): InteractionRecord[];
  /** POST /interactions/:id/:token/callback */
  callback(
    id: string,
    token: string,
    json: unknown,
    files: RecordedFile[],
    withResponse: boolean,
  ): RestResult;
  /** Check an interaction token is still usable for webhook calls (15 minutes on Discord). */
  assertTokenAlive(record: InteractionRecord): void;
  close(): void;
}

export function createInteractionRegistry(ctx: FakeContext): InteractionRegistry {
  const records = new Map<string, InteractionRecord>();
  const timers = new Set<NodeJS.Timeout>();

  const fail = (record: InteractionRecord) => {
    if (record.status !== 'pending') return;
    record.status = 'failed';
    record.failedAt = ctx.now();
  };

  const refuse = (record: InteractionRecord, type: number, data: unknown, error: DiscordError): never => {
    const at = ctx.now();
    const entry: CallbackRecord = {
      type,
      data,
      at,
      ackMs: at - record.createdAt,
      accepted: false,
      status: error.status,
      error: error.message,
    };
    record.callbacks.push(entry);
    throw error;
  };

  const apply = (record: InteractionRecord, type: number, data: unknown, files: RecordedFile[]): void => {
    const channel = ctx.state.channels.get(record.channelId);
    if (!channel) throw discordErrors.unknownChannel();
    const interaction = {
      id: record.id,
      type: record.type,
      userId: record.userId,
      ...(record.commandName ? { name: record.commandName } : {}),
    };
    if (type === 4 || type === 5) {
      const body = parseMessageBody(type === 5 ? pickFlags(data) : data);
      const message = createMessage(ctx, {
        channel,
        authorId: ctx.state.botId,
        body,
        files: type === 4 ? files : [],
        type: record.type === 2 ? 20 : 19,
        webhookId: ctx.state.application.id,
        interaction,
        allowEphemeral: true,
        ...(type === 5 ? { extraFlags: MessageFlags.Loading, allowEmpty: true } : {}),
      });
      record.originalMessageId = message.id;
    } else if (type === 6) {
      record.originalMessageId = record.messageId;
    } else if (type === 7) {
      const message = record.messageId ? ctx.state.messages.get(record.messageId) : undefined;
      if (!message || message.deleted) throw discordErrors.unknownMessage();
      editMessage(ctx, message, parseMessageBody(data), files);
      record.originalMessageId = message.id;
    } else if (type === 8) {
      const parsed = ChoicesSchema.safeParse(data);
      if (!parsed.success) throw formError(parsed.error);
    } else if (type === 9) {
      const parsed = ModalSchema.safeParse(data);
      if (!parsed.success) throw formError(parsed.error);
    }
  };

  return {
    register(input) {
      const record: InteractionRecord = {
        ...input,
        status: 'pending',
        callbacks: [],
        followUpIds: [],
        createdAt: ctx.now(),
      };
      records.set(record.id, record);
      const timer = setTimeout(() => {
        timers.delete(timer);
        fail(record);
      }, ctx.settings.interactionAckMs);
      timer.unref();
      timers.add(timer);
      return record;
    },
    get: (id) => records.get(id),
    byToken(applicationId, token) {
      if (applicationId !== ctx.state.application.id) return undefined;
      for (const record of records.values()) if (record.token === token) return record;
      return undefined;
    },
    all: () => [...records.values()],
    callback(id, token, json, files, withResponse) {
      const record = records.get(id);
      if (!record || record.token !== token) throw discordErrors.unknownInteraction();
      const parsed = CallbackSchema.safeParse(json);
      const type = parsed.success ? parsed.data.type : -1;
      const data = parsed.success ? parsed.data.data : json;
      if (record.status === 'pending' && ctx.now() - record.createdAt > ctx.settings.interactionAckMs)
        fail(record);
      if (record.status === 'failed') return refuse(record, type, data, discordErrors.unknownInteraction());
      if (record.status === 'acknowledged')
        return refuse(record, type, data, discordErrors.alreadyAcknowledged());
      if (!parsed.success) return refuse(record, type, data, formError(parsed.error));
      if (!(ALLOWED_CALLBACKS[record.type] ?? []).includes(type)) {
        const error = discordErrors.invalidForm(
          ['type'],
          'INTERACTION_RESPONSE_TYPE_INVALID',
          `Callback type ${type} is not valid for an interaction of type ${record.type}`,
        );
        return refuse(record, type, data, error);
      }
      try {
        apply(record, type, data, files);
      } catch (error) {
        if (error instanceof DiscordError) return refuse(record, type, data, error);
        throw error;
      }
      const at = ctx.now();
      record.status = 'acknowledged';
      record.callbacks.push({
        type,
        data,
        at,
        ackMs: at - record.createdAt,
        accepted: true,
        status: withResponse ? 200 : 204,
      });
      if (!withResponse) return { status: 204 };
      const message = record.originalMessageId ? ctx.state.messages.get(record.originalMessageId) : undefined;
      return {
        status: 200,
        body: {
          interaction: {
            id: record.id,
            type: record.type,
            ...(message
              ? {
                  response_message_id: message.id,
                  response_message_loading: (message.flags & MessageFlags.Loading) !== 0,
                  response_message_ephemeral: (message.flags & MessageFlags.Ephemeral) !== 0,
                }
              : {}),
          },
          resource: { type, ...(message && type !== 6 ? { message: toApiMessage(ctx.state, message) } : {}) },
        },
      };
    },
    assertTokenAlive(record) {
      if (ctx.now() - record.createdAt > ctx.settings.interactionTokenTtlMs)
        throw discordErrors.invalidWebhookToken();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** A deferred reply's data carries only flags (ephemeral). */
function pickFlags(data: unknown): { flags?: number } {
  const parsed = z.looseObject({ flags: z.number().int().optional() }).safeParse(data ?? {});
  return parsed.success && parsed.data.flags !== undefined ? { flags: parsed.data.flags } : {};
}

/** An interaction token like Discord's: long, opaque, URL-safe. */
export function newInteractionToken(id: string): string {
  return `aW50ZXJhY3Rpb246${Buffer.from(id).toString('base64url')}${randomBytes(48).toString('base64url')}`;
}

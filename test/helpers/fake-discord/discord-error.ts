/** Errors the fake answers with, shaped as Discord's JSON errors (`{ code, message, errors? }`). */
import type { z } from 'zod';
import { isRecord } from './is-record.ts';

/** A REST failure: thrown by route handlers, turned into a response by the server. */
export class DiscordError extends Error {
  override name = 'DiscordError';
  readonly status: number;
  readonly code: number;
  readonly errors: Record<string, unknown> | undefined;

  constructor(status: number, code: number, message: string, errors?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  /** The response body Discord would send. */
  toJSON(): Record<string, unknown> {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

/** The errors the routes raise, named as in Discord's JSON error code table. */
export const discordErrors = {
  notFound: () => new DiscordError(404, 0, '404: Not Found'),
  unauthorized: () => new DiscordError(401, 0, '401: Unauthorized'),
  unknownChannel: () => new DiscordError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new DiscordError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new DiscordError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new DiscordError(404, 10008, 'Unknown Message'),
  unknownUser: () => new DiscordError(404, 10013, 'Unknown User'),
  unknownWebhook: () => new DiscordError(404, 10015, 'Unknown Webhook'),
  unknownApplication: () => new DiscordError(404, 10002, 'Unknown Application'),
  unknownCommand: () => new DiscordError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => new DiscordError(404, 10062, 'Unknown interaction'),
  tooLarge: () => new DiscordError(413, 40005, 'Request entity too large'),
  alreadyAcknowledged: () => new DiscordError(400, 40060, 'Interaction has already been acknowledged.'),
  cannotEditOthers: () => new DiscordError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new DiscordError(400, 50006, 'Cannot send an empty message'),
  nonTextChannel: () => new DiscordError(400, 50008, 'Cannot send messages in a non-text channel'),
  invalidWebhookToken: () => new DiscordError(401, 50027, 'Invalid Webhook Token'),
  threadExists: () => new DiscordError(400, 160004, 'A thread has already been created for this message'),
  /** 50035 with an `errors` tree for one field path. */
  invalidForm: (path: readonly (string | number)[], code: string, message: string) =>
    new DiscordError(400, 50035, 'Invalid Form Body', errorTree([{ path, code, message }])),
} as const;

interface FieldError {
  path: readonly PropertyKey[];
  code: string;
  message: string;
}

/** Discord's nested form error shape: `{ content: { _errors: [{ code, message }] } }`. */
function errorTree(fields: FieldError[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const field of fields) {
    let node = root;
    for (const key of field.path) {
      const name = String(key);
      const child = node[name];
      const next = isRecord(child) ? child : {};
      node[name] = next;
      node = next;
    }
    const list = Array.isArray(node._errors) ? node._errors : [];
    list.push({ code: field.code, message: field.message });
    node._errors = list;
  }
  return root;
}

/** Turn a zod failure into Discord's 400 "Invalid Form Body". */
export function formError(error: z.ZodError): DiscordError {
  const fields = error.issues.map((issue) => ({
    path: issue.path,
    code: issueCode(issue),
    message: issue.message,
  }));
  return new DiscordError(400, 50035, 'Invalid Form Body', errorTree(fields));
}

function issueCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big') return 'BASE_TYPE_MAX_LENGTH';
  if (issue.code === 'too_small') return issue.minimum === 1 ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_MIN_LENGTH';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'BASE_TYPE_REQUIRED';
  if (issue.code === 'invalid_value') return 'BASE_TYPE_CHOICES';
  return 'BASE_TYPE_INVALID';
}

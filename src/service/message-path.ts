/**
 * The service's message path: admission and refusals (audited), opening a session, and one queue per
 * session where each message runs after the one before it (`runMessage`).
 */
import { describeError } from '../errors.ts';
import { runMessage } from './run-message.ts';
import type { ServiceParts } from './service-parts.ts';
import type { LiveSession } from './session-registry.ts';
import type {
  Actor,
  IncomingFile,
  MessageObserver,
  MessageOutcome,
  OpenRequest,
  SendResult,
  SessionInfo,
} from './types.ts';

type Message = { actor: Actor; text: string; files?: IncomingFile[] };

/** Said of a message that arrives, or waited, while the service stops. */
export const SHUTDOWN_TEXT =
  'Toolsmith is restarting, so this message was not worked on: send it again when the bot is back.';

/** Said of a message to a session whose saved conversation cannot be read. */
export const UNREADABLE_TEXT =
  "⚠️ This task's saved conversation cannot be read, so it cannot go on here: start a new one with /task.";

/** Shutdown, access, quotas and rate limit (a slot taken when allowed): a sentence when refused. */
export const refusalOf = (parts: ServiceParts, actor: Actor): string | undefined =>
  parts.closing ? 'Toolsmith is shutting down; try again in a minute.' : parts.admission.admit(actor);

/** Audit a refusal and return its sentence. */
export function refuse(
  parts: ServiceParts,
  refused: { actor: Actor; sessionId: string; refusal: string; data?: Record<string, unknown> },
): string {
  const { actor, sessionId, refusal, data = {} } = refused;
  parts.audit.record({
    sessionId,
    actor: actor.userId,
    kind: 'refused',
    data: { reason: refusal, guildId: actor.guildId, channelId: actor.channelId, ...data },
  });
  return refusal;
}

/** A new session: its live sandbox, its row, its audit row. */
export async function openLiveSession(parts: ServiceParts, request: OpenRequest): Promise<LiveSession> {
  const scope = request.actor.operator ? 'local' : (request.actor.guildId ?? 'local');
  const session = await parts.options.openSession({
    id: request.id,
    scope: { scope, author: request.actor.userId },
    frontEnd: request.frontEnd,
    ...(request.workspaceDir ? { workspaceDir: request.workspaceDir } : {}),
  });
  const info: SessionInfo = {
    id: request.id,
    scope,
    owner: request.actor.userId,
    title: request.title,
    workspaceDir: session.workspaceDir,
    frontEnd: request.frontEnd,
  };
  parts.options.sessions.create({
    ...info,
    channelId: request.channelId,
    status: 'idle',
    snapshot: session.snapshot(),
  });
  parts.audit.record({
    sessionId: request.id,
    actor: request.actor.userId,
    kind: 'task',
    data: { title: request.title, guildId: request.actor.guildId, ...request.details },
  });
  return parts.registry.add(info, session);
}

/** Queue a message behind the session's others; never rejects. */
export function enqueue(
  parts: ServiceParts,
  live: LiveSession,
  message: Message,
  observer: MessageObserver,
): Promise<MessageOutcome> {
  const { registry } = parts;
  live.pending++;
  registry.touch(live);
  const done: Promise<MessageOutcome> = live.chain
    .then(() =>
      runMessage({
        entry: live,
        message,
        observer,
        scheduler: parts.scheduler,
        sessions: parts.options.sessions,
        audit: parts.audit,
        reports: parts.options.reports,
        desk: parts.desk,
        redactor: parts.redactor,
        setup: parts.setups.setupFor(live.info.id, message.actor),
        isClosing: () => parts.closing,
      }),
    )
    .catch((error: unknown) => ({ status: 'error' as const, message: describeError(error) }))
    .finally(() => {
      live.pending--;
      registry.touch(live);
    });
  live.chain = done.then(() => undefined);
  return done;
}

/** `TaskService.send`: restore the session if needed, admit the message, queue it. */
export async function sendMessage(
  parts: ServiceParts,
  sessionId: string,
  message: Message,
  observer: MessageObserver,
): Promise<SendResult> {
  if (parts.closing) return { accepted: false, reason: 'refused', refusal: SHUTDOWN_TEXT };
  let entry: LiveSession | undefined;
  try {
    entry = await parts.registry.acquire(sessionId);
  } catch (error) {
    parts.options.log?.(`session ${sessionId} cannot be restored: ${describeError(error)}`);
    return { accepted: false, reason: 'refused', refusal: UNREADABLE_TEXT };
  }
  if (!entry) return { accepted: false, reason: 'unknown' };
  const refusal = refusalOf(parts, message.actor);
  if (refusal) {
    const said = refuse(parts, { actor: message.actor, sessionId, refusal });
    return { accepted: false, reason: 'refused', refusal: said };
  }
  const waits = entry.pending > 0;
  return { accepted: true, waits, done: enqueue(parts, entry, message, observer) };
}

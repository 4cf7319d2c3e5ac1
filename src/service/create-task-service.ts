/**
 * The task service: the one application core both front ends drive. It owns opening and restoring
 * sessions, one queue per session, stop, the fair slots, access and rate limits, the audit trail,
 * transcripts and reports. Discord and the terminal parse input and render its events; nothing else.
 *
 * Its parts and shared state are `service-parts.ts`; the message path (admission, open, the queue) is
 * `message-path.ts`; what it tells about sessions and itself is `service-status.ts`.
 */
import { enqueue, openLiveSession, refusalOf, refuse, sendMessage } from './message-path.ts';
import { closeParts, createServiceParts, type TaskServiceOptions } from './service-parts.ts';
import { filesOf, infoOf, ownerOf, statusOf, totalsOf } from './service-status.ts';
import type { TaskService } from './types.ts';
import { createVoting } from './votes.ts';

export { SHUTDOWN_TEXT, UNREADABLE_TEXT } from './message-path.ts';
export type { TaskServiceOptions } from './service-parts.ts';

/** The task service over the store and the app's session factory (see `TaskServiceOptions`). */
export function createTaskService(options: TaskServiceOptions): TaskService {
  const parts = createServiceParts(options);
  const { sessions, reports } = options;
  const { admission, registry, setups } = parts;

  return {
    admit(actor) {
      const refusal = refusalOf(parts, actor);
      return refusal
        ? refuse(parts, { actor, sessionId: '-', refusal, data: { command: 'task' } })
        : undefined;
    },
    access: (actor) => admission.access(actor),
    open: async (request) => (await openLiveSession(parts, request)).info,
    async start(request, message, observer = {}) {
      const entry = await openLiveSession(parts, request);
      const done = enqueue(parts, entry, { ...message, actor: request.actor }, observer);
      return { session: entry.info, done };
    },
    has: (id) => registry.get(id) !== undefined || (sessions.get(id)?.status ?? 'closed') !== 'closed',
    send: (sessionId, message, observer = {}) => sendMessage(parts, sessionId, message, observer),
    stop(sessionId, actor) {
      const entry = registry.get(sessionId);
      if (!entry) return 'unknown';
      if (entry.info.owner !== actor.userId && !admission.isAdmin(actor)) return 'not-allowed';
      if (!entry.controller) return 'idle';
      entry.controller.abort();
      return 'stopped';
    },
    report: (id) => reports.get(id),
    vote: createVoting({
      reports,
      audit: parts.audit,
      skillVotes: options.skillVotes,
      refusal: (actor) => {
        const refusal = admission.access(actor);
        return refusal
          ? refuse(parts, { actor, sessionId: '-', refusal, data: { command: 'vote' } })
          : undefined;
      },
    }),
    files: (sessionId) => filesOf(parts, sessionId),
    async resetSandbox(sessionId) {
      await registry.get(sessionId)?.session.resetSandbox();
    },
    totals: (sessionId) => totalsOf(parts, sessionId),
    list: (filter = {}) => sessions.list(filter).map(infoOf),
    status: () => statusOf(parts),
    recoverInterrupted: () =>
      sessions.markInterrupted().map((row) => ({ id: row.id, channelId: row.channelId })),
    isAdmin: (actor) => admission.isAdmin(actor),
    usage: (actor) => admission.usage(actor),
    profile: (actor) => setups.profile(actor),
    models: () => options.catalog?.models() ?? [],
    modelId: (sessionId, actor) => setups.modelId(sessionId, actor),
    chooseModel(target, actor, model) {
      if (!('sessionId' in target)) return setups.choose(target, actor, admission.isAdmin(actor), model);
      const owner = ownerOf(parts, target.sessionId);
      if (!owner) return 'unknown-session';
      return setups.choose({ sessionId: target.sessionId, owner }, actor, admission.isAdmin(actor), model);
    },
    decide: (approvalId, actor, choice) =>
      parts.desk.decide(approvalId, actor.userId, choice, admission.mayApprove(actor)),
    shutdown: () => closeParts(parts),
  };
}

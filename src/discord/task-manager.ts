/**
 * Task threads: one task session per thread. Starts tasks from /task, continues them from thread
 * messages (in order, one at a time), renders live progress, posts answers and files, stops on
 * request, and survives restarts through the sessions store. Everything is posted with the bot
 * token as channel messages, so a task may outlive the 15-minute interaction token.
 */
import type { ChatInputCommandInteraction, Client, Message, ThreadChannel } from 'discord.js';
import type { TaskSession } from '../agent/task-session.ts';
import type { TaskReport } from '../agent/types.ts';
import type { Config } from '../config.ts';
import { describeError } from '../errors.ts';
import { actorOfInteraction, actorOfMessage } from './actor.ts';
import { type IncomingFile, saveAttachment } from './attachments.ts';
import { auditEvent } from './audit-events.ts';
import { openTaskThread, threadName } from './open-task-thread.ts';
import type { Permissions } from './permissions.ts';
import { postAnswer } from './post-answer.ts';
import { postProgressMessage } from './progress-message.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createTaskQueue } from './task-queue.ts';
import type { BotApp } from './types.ts';

/** Said of a message that never got its turn because the bot was stopping. */
const SHUTDOWN_TEXT =
  'Toolsmith is restarting, so this message was not worked on: send it again when the bot is back.';

interface Live {
  session: TaskSession;
  threadId: string;
  owner: string;
  scope: string;
  controller: AbortController | undefined;
  chain: Promise<void>;
  lastReport: TaskReport | undefined;
}

export interface TaskManager {
  startFromCommand(interaction: ChatInputCommandInteraction): Promise<void>;
  continueFromMessage(message: Message): Promise<void>;
  /** Stop the running step of a thread's task; returns false when nothing was running. */
  stop(threadId: string, userId: string, isAdmin: boolean): 'stopped' | 'idle' | 'not-allowed' | 'unknown';
  /** The latest report of a thread's task (for votes and "show skill"). */
  lastReport(threadId: string): { report: TaskReport; scope: string } | undefined;
  /** Tell threads whose task was running when the bot stopped. */
  recoverInterrupted(client: Client): Promise<void>;
  /** Stop taking work, cancel running steps, and wait for them to wind down. */
  shutdown(): Promise<void>;
  readonly running: number;
}

export interface TaskManagerOptions {
  config: Config;
  app: BotApp;
  permissions: Permissions;
  now?: () => number;
}

export function createTaskManager(options: TaskManagerOptions): TaskManager {
  const { config, app, permissions } = options;
  const discord = config.discord;
  const now = options.now ?? Date.now;
  const live = new Map<string, Live>();
  const queue = createTaskQueue(discord.maxConcurrentTasks);
  const rateLimit = createRateLimiter(discord.rateLimitPerMinute, now);
  let closing = false;
  const restoring = new Map<string, Promise<Live | undefined>>();

  /** The thread's live task, restored from the store once even when messages arrive together. */
  function liveOrRestore(thread: ThreadChannel): Promise<Live | undefined> {
    const entry = live.get(thread.id);
    if (entry) return Promise.resolve(entry);
    let pending = restoring.get(thread.id);
    if (!pending) {
      pending = restore(thread).finally(() => restoring.delete(thread.id));
      restoring.set(thread.id, pending);
    }
    return pending;
  }

  async function restore(thread: ThreadChannel): Promise<Live | undefined> {
    const row = app.sessions.get(thread.id);
    if (!row || row.status === 'closed') return undefined;
    const session = await app.openSession({
      id: row.id,
      scope: { scope: row.scope, author: row.owner },
      frontEnd: 'Discord',
      restore: row.snapshot,
    });
    if (closing) {
      session.dispose();
      return undefined;
    }
    const entry: Live = {
      session,
      threadId: thread.id,
      owner: row.owner,
      scope: row.scope,
      controller: undefined,
      chain: Promise.resolve(),
      lastReport: undefined,
    };
    live.set(thread.id, entry);
    return entry;
  }

  async function addFiles(entry: Live, files: IncomingFile[], thread: ThreadChannel): Promise<void> {
    const workspaceDir = entry.session.workspaceDir;
    for (const file of files) {
      const outcome = await saveAttachment(file, workspaceDir, discord.maxAttachmentBytes);
      if (!outcome.ok) await thread.send({ content: `⚠️ ${outcome.reason}. The task goes on without it.` });
    }
  }

  /** Run one message of a thread's task, after the ones before it. */
  function enqueue(
    entry: Live,
    thread: ThreadChannel,
    text: string,
    author: string,
    files: IncomingFile[] = [],
  ): Promise<void> {
    // Files join the workspace in the message's turn: never under a running step, never out of order.
    const run = entry.chain.then(async () => {
      if (files.length > 0 && !closing) await addFiles(entry, files, thread);
      await runMessage(entry, thread, text, author);
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  async function runMessage(entry: Live, thread: ThreadChannel, text: string, author: string): Promise<void> {
    if (closing) {
      // A follow-up that waited behind a step when the bot began to stop: say so rather than drop it.
      await thread.send({ content: `⚠️ ${SHUTDOWN_TEXT}` }).catch(() => undefined);
      return;
    }
    const controller = new AbortController();
    entry.controller = controller;
    // Say at once when the task will wait for a slot, rather than "working" until the first edit.
    const progress = await postProgressMessage(thread, {
      maxSteps: config.agent.maxSteps,
      editIntervalMs: discord.progressEditMs,
      ...(queue.running >= discord.maxConcurrentTasks ? { queuedAt: queue.waiting + 1 } : {}),
      now,
    });
    let release: (() => void) | undefined;
    try {
      release = await queue.acquire((position) => {
        progress.update((state) => ({ ...state, status: 'queued', queuePosition: position }));
      }, controller.signal);
    } catch {
      await progress.finish((state) =>
        closing
          ? { ...state, status: 'interrupted', doing: SHUTDOWN_TEXT }
          : { ...state, status: 'stopped', doing: 'Stopped before it started.' },
      );
      entry.controller = undefined;
      return;
    }
    progress.update((state) => ({ ...state, status: 'running', startedAt: now() }));
    app.sessions.setStatus(entry.threadId, 'running');
    app.audit.record({ sessionId: entry.threadId, actor: author, kind: 'message', data: { text } });
    let report: TaskReport;
    try {
      report = await entry.session.send(text, {
        signal: controller.signal,
        onEvent: (event) => {
          progress.apply(event);
          auditEvent(app.audit, entry.threadId, author, event);
        },
      });
    } catch (error) {
      app.sessions.setStatus(entry.threadId, 'idle');
      await progress.finish((state) => ({
        ...state,
        status: 'failed',
        doing: `Internal error: ${describeError(error)}`,
      }));
      return;
    } finally {
      release();
      entry.controller = undefined;
    }
    // Cut short by a shutdown, the session stays `running` in the store: the next start marks it
    // interrupted and tells the thread (as after a crash). A step that ended anyway is answered.
    const interrupted = closing && report.stopReason === 'aborted';
    if (!interrupted) app.sessions.setStatus(entry.threadId, 'idle');
    entry.lastReport = report;
    app.audit.record({
      sessionId: entry.threadId,
      actor: author,
      kind: 'outcome',
      data: {
        ok: report.ok,
        stopReason: report.stopReason,
        steps: report.steps,
        skillLearned: report.skillLearned,
      },
      costUsd: report.costUsd,
    });
    await progress.finish((state) => {
      if (interrupted)
        return {
          ...state,
          status: 'interrupted',
          doing: 'Toolsmith is restarting: this step was interrupted.',
        };
      return report.ok ? { ...state, status: 'done', doing: 'answered' } : state;
    });
    if (!interrupted) {
      await postAnswer(thread, report, {
        workspaceDir: entry.session.workspaceDir,
        maxAttachmentBytes: discord.maxAttachmentBytes,
      });
    }
  }

  return {
    get running() {
      return queue.running;
    },

    async startFromCommand(interaction) {
      const actor = actorOfInteraction(interaction);
      const refusal = closing
        ? 'Toolsmith is shutting down; try again in a minute.'
        : permissions.refusal(actor);
      if (refusal) {
        app.audit.record({
          sessionId: '-',
          actor: actor.userId,
          kind: 'refused',
          data: { command: 'task', reason: refusal, guildId: actor.guildId, channelId: actor.channelId },
        });
        await interaction.reply({ content: refusal, flags: 'Ephemeral' });
        return;
      }
      const prompt = interaction.options.getString('prompt', true).trim();
      if (!prompt) {
        await interaction.reply({
          content: 'The prompt is empty: say what the task is, e.g. `/task prompt: sum the amount column`.',
          flags: 'Ephemeral',
        });
        return;
      }
      const limited = rateLimit.take(actor.userId);
      if (!limited.ok) {
        await interaction.reply({
          content: `Slow down: you can start ${discord.rateLimitPerMinute} task${discord.rateLimitPerMinute === 1 ? '' : 's'} a minute. Try again in ${limited.retryInS} s.`,
          flags: 'Ephemeral',
        });
        return;
      }
      await interaction.deferReply();
      const file = interaction.options.getAttachment('file');
      const isPrivate = interaction.options.getBoolean('private') ?? false;
      const thread = await openTaskThread(interaction, prompt, isPrivate);
      if (typeof thread === 'string') {
        await interaction.editReply({ content: thread });
        return;
      }
      const scope = interaction.guildId ?? 'local';
      const session = await app.openSession({
        id: thread.id,
        scope: { scope, author: actor.userId },
        frontEnd: 'Discord',
      });
      const entry: Live = {
        session,
        threadId: thread.id,
        owner: actor.userId,
        scope,
        controller: undefined,
        chain: Promise.resolve(),
        lastReport: undefined,
      };
      live.set(thread.id, entry);
      app.sessions.create({
        id: thread.id,
        scope,
        owner: actor.userId,
        channelId: thread.id,
        title: threadName(prompt),
        status: 'idle',
        workspaceDir: session.workspaceDir,
        snapshot: session.snapshot(),
      });
      app.audit.record({
        sessionId: thread.id,
        actor: actor.userId,
        kind: 'task',
        data: { prompt, guildId: interaction.guildId, private: isPrivate },
      });
      await interaction.editReply({ content: `Working on it in ${thread.url}` });
      await thread.send({ content: `<@${actor.userId}> asked:\n>>> ${prompt.slice(0, 1800)}` });
      if (file) await addFiles(entry, [{ name: file.name, url: file.url, size: file.size }], thread);
      void enqueue(entry, thread, prompt, actor.userId).catch(async (error) => {
        await thread.send({ content: `❌ The task failed: ${describeError(error)}` }).catch(() => undefined);
      });
    },

    async continueFromMessage(message) {
      if (message.author.bot || closing) return;
      const thread = message.channel;
      if (!thread.isThread()) return;
      let entry: Live | undefined;
      try {
        entry = await liveOrRestore(thread);
      } catch (error) {
        await message
          .reply({
            content: `⚠️ This task's saved conversation cannot be read, so it cannot go on here: start a new one with /task.`,
          })
          .catch(() => undefined);
        throw error;
      }
      if (!entry) return;
      const refusal = permissions.refusal(actorOfMessage(message));
      if (refusal) {
        app.audit.record({
          sessionId: thread.id,
          actor: message.author.id,
          kind: 'refused',
          data: { reason: refusal },
        });
        await message.reply({ content: refusal }).catch(() => undefined);
        return;
      }
      const files = [...message.attachments.values()].map((a) => ({
        name: a.name,
        url: a.url,
        size: a.size,
      }));
      const text =
        message.content.trim() ||
        (files.length > 0 ? `I added ${files.map((f) => f.name).join(', ')} to the workspace.` : '');
      if (!text) return;
      const waits = entry.controller !== undefined;
      void enqueue(entry, thread, text, message.author.id, files).catch(async (error) => {
        await thread.send({ content: `❌ The task failed: ${describeError(error)}` }).catch(() => undefined);
      });
      if (waits) await message.react('⏳').catch(() => undefined);
    },

    stop(threadId, userId, isAdmin) {
      const entry = live.get(threadId);
      if (!entry) return 'unknown';
      if (entry.owner !== userId && !isAdmin) return 'not-allowed';
      if (!entry.controller) return 'idle';
      entry.controller.abort();
      return 'stopped';
    },

    lastReport(threadId) {
      const entry = live.get(threadId);
      return entry?.lastReport ? { report: entry.lastReport, scope: entry.scope } : undefined;
    },

    async recoverInterrupted(client) {
      for (const row of app.sessions.markInterrupted()) {
        try {
          const channel = await client.channels.fetch(row.channelId ?? row.id);
          if (channel?.isSendable()) {
            await channel.send({
              content:
                '⚠️ Toolsmith restarted while this task was running, so the step was interrupted. ' +
                'Send a message here to continue: the conversation and files are kept, the sandbox variables are not.',
            });
          }
        } catch {
          // the thread is gone or not visible any more: nothing to tell
        }
      }
    },

    async shutdown() {
      closing = true;
      for (const entry of live.values()) entry.controller?.abort();
      // Wait until no chain grows any more: a message may be queued while the others wind down.
      for (;;) {
        const entries = [...live.values()];
        const chains = entries.map((entry) => entry.chain);
        await Promise.allSettled(chains);
        const now = [...live.values()];
        if (now.length === entries.length && now.every((entry, i) => entry.chain === chains[i])) break;
      }
      for (const entry of live.values()) entry.session.dispose();
      live.clear();
    },
  };
}

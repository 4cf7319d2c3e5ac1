/**
 * The session `toolsmith chat` talks to, through the task service: opened on first use (a message or
 * `/add`), switched by `/clear` (a new one) and `/resume` (a saved one, restored by the service on
 * its next message). The service owns the session; this only remembers which one is current.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { App } from '../../app/create-app.ts';
import type { Message } from '../../model/types.ts';
import type { Actor, SessionInfo } from '../../service/types.ts';
import { copyIncomingFile, type IncomingOutcome } from '../../tools/builtin/incoming-file.ts';
import { localFileLimits } from '../incoming-files.ts';

export interface ChatSession {
  /** The current session, if one was opened or resumed. */
  current(): SessionInfo | undefined;
  /** The current session, opened now when there is none (titled after `title`). */
  ensure(title: string): Promise<SessionInfo>;
  /** Forget the current session (it stays saved); the next message opens a new one. */
  clear(): SessionInfo | undefined;
  /**
   * Make a saved session current: an id, a unique prefix of one, or (none) the newest terminal
   * session of this user. A sentence when there is no such session.
   */
  resume(
    id?: string,
  ): { ok: true; info: SessionInfo; lastExchange: string[] } | { ok: false; reason: string };
  /** Copy local files into the current workspace (opening a session if needed), with attachment limits. */
  add(paths: readonly string[]): Promise<IncomingOutcome[]>;
}

export function createChatSession(options: { app: App; actor: Actor; workspaceDir?: string }): ChatSession {
  const { app, actor } = options;
  let info: SessionInfo | undefined;

  const find = (id: string | undefined): SessionInfo | undefined => {
    const mine = app.service.list({ frontEnd: 'terminal', limit: 200 });
    if (!id) return mine.find((s) => s.owner === actor.userId) ?? mine[0];
    const all = [...mine, ...app.service.list({ limit: 200 })];
    const exact = all.find((s) => s.id === id);
    if (exact) return exact;
    const prefixed = [...new Map(all.filter((s) => s.id.startsWith(id)).map((s) => [s.id, s])).values()];
    return prefixed.length === 1 ? prefixed[0] : undefined;
  };

  const ensure = async (title: string): Promise<SessionInfo> => {
    info ??= await app.service.open({
      id: `chat-${randomUUID()}`,
      actor,
      title: title.split('\n')[0]?.slice(0, 100) || 'chat',
      frontEnd: 'terminal',
      ...(options.workspaceDir ? { workspaceDir: path.resolve(options.workspaceDir) } : {}),
    });
    return info;
  };

  return {
    current: () => info,
    ensure,
    clear() {
      const previous = info;
      info = undefined;
      return previous;
    },
    resume(id) {
      const found = find(id);
      if (!found || !app.service.has(found.id))
        return {
          ok: false,
          reason: id
            ? `no saved session ${id} (toolsmith sessions list shows them)`
            : 'there is no saved terminal session to resume yet',
        };
      info = found;
      const messages = app.sessions.get(found.id)?.snapshot.messages ?? [];
      return { ok: true, info: found, lastExchange: lastExchange(messages) };
    },
    async add(paths) {
      const session = await ensure('chat');
      const limits = localFileLimits(app.config);
      const outcomes: IncomingOutcome[] = [];
      for (const source of paths) outcomes.push(await copyIncomingFile(source, session.workspaceDir, limits));
      return outcomes;
    },
  };
}

/** The last question and answer of a transcript, as text (tool traffic left out). */
function lastExchange(messages: readonly Message[]): string[] {
  const texts = (message: Message) =>
    message.content
      .filter((block) => block.type === 'text')
      .map((block) => ('text' in block ? String(block.text) : ''))
      .join('\n')
      .trim();
  const lastUser = [...messages].reverse().find((m) => m.role === 'user' && texts(m));
  const lastAnswer = [...messages].reverse().find((m) => m.role === 'assistant' && texts(m));
  return [
    ...(lastUser ? [`you: ${texts(lastUser)}`] : []),
    ...(lastAnswer ? [`agent: ${texts(lastAnswer)}`] : []),
  ];
}

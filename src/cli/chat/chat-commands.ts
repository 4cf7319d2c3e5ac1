/** The slash commands of `toolsmith chat`: /add /files /clear /resume /reset /cost /help /exit. */
import type { App } from '../../app/create-app.ts';
import { describeSandboxProcesses } from '../../service/describe-sandbox-processes.ts';
import { formatBytes } from '../../text/format-numbers.ts';
import type { Paint } from '../print.ts';
import { formatCost } from '../render-events.ts';
import { formatSessionLine } from '../sessions-table.ts';
import type { ChatSession } from './chat-session.ts';

export const CHAT_HELP = `Type a task, then follow up in the same session. A message may span lines: paste it,
end a line with \\ to go on, or write it between """ lines. Commands:
  /add PATH...   copy files into the workspace     /files        the workspace's files
  /clear         start a new session               /resume [ID]  list saved sessions, or go back to one
  /reset         forget the sandbox variables      /cost         tokens and cost of this session
  /status        sessions and memory held here     /exit         leave (or Ctrl-D)
Ctrl-C clears what you typed, stops a running step, and pressed twice leaves.`;

export interface ChatCommandContext {
  app: App;
  chat: ChatSession;
  paint: Paint;
  print(text: string): void;
}

/** Run one slash command; `exit` when the person asked to leave. */
export async function runChatCommand(input: string, context: ChatCommandContext): Promise<'exit' | 'done'> {
  const { app, chat, paint, print } = context;
  const [name = '', ...args] = splitWords(input);
  const session = chat.current();
  switch (name) {
    case '/exit':
    case '/quit':
      return 'exit';
    case '/help':
      print(CHAT_HELP);
      return 'done';
    case '/add': {
      if (args.length === 0) {
        print(paint.yellow('usage: /add PATH... (quote a path with spaces)'));
        return 'done';
      }
      for (const outcome of await chat.add(args))
        print(
          outcome.ok
            ? `added ${outcome.name} (${formatBytes(outcome.bytes)})`
            : paint.yellow(`not added: ${outcome.reason}`),
        );
      return 'done';
    }
    case '/files': {
      const files = session ? await app.service.files(session.id) : [];
      if (session) print(paint.dim(`workspace ${session.workspaceDir}`));
      print(
        files.length === 0 ? '(no files)' : files.map((f) => `${f.path}  ${formatBytes(f.bytes)}`).join('\n'),
      );
      return 'done';
    }
    case '/clear': {
      const previous = chat.clear();
      print(
        previous
          ? `new session; the previous one is saved (/resume ${previous.id} goes back to it)`
          : 'new session',
      );
      return 'done';
    }
    case '/resume': {
      if (args.length === 0) {
        const recent = app.sessions.list({ limit: 10 });
        print(
          recent.length === 0 ? '(no saved sessions)' : recent.map((s) => formatSessionLine(s)).join('\n'),
        );
        if (recent.length > 0) print(paint.dim('/resume ID (or the start of one) goes back to a session'));
        return 'done';
      }
      const resumed = chat.resume(args[0]);
      if (!resumed.ok) print(paint.yellow(resumed.reason));
      else printResumed(resumed.info, resumed.lastExchange, context);
      return 'done';
    }
    case '/reset':
      if (session) await app.service.resetSandbox(session.id);
      print('sandbox reset: variables are gone, files are kept');
      return 'done';
    case '/status': {
      const s = app.service.status();
      print(
        `live sessions ${s.liveSessions}/${s.maxLiveSessions}, sandbox heap ${formatBytes(s.sandboxHeapBytes)}, ` +
          `memory ${formatBytes(s.rssBytes)} resident, ${s.running} running, ${s.queued} queued`,
      );
      if (s.sandboxProcesses.length > 0) print(describeSandboxProcesses(s.sandboxProcesses));
      return 'done';
    }
    case '/cost': {
      const totals = session ? app.service.totals(session.id) : undefined;
      print(totals ? formatCost(totals.usage, totals.costUsd) : 'nothing spent yet');
      return 'done';
    }
    default:
      print(paint.yellow(`unknown command ${name}; /help lists them`));
      return 'done';
  }
}

/** What is shown when a session is resumed: which one, where its files are, how it left off. */
export function printResumed(
  info: { id: string; title: string; workspaceDir: string },
  lastExchange: string[],
  context: Pick<ChatCommandContext, 'paint' | 'print'>,
): void {
  const { paint, print } = context;
  print(`resumed session ${info.id}: ${info.title}`);
  print(paint.dim(`workspace ${info.workspaceDir}`));
  for (const text of lastExchange) print(paint.dim(clipText(text, 6)));
}

function clipText(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : `${lines.slice(0, maxLines).join('\n')}\n…`;
}

/** Words of a command line; "double" or 'single' quotes keep spaces. */
export function splitWords(input: string): string[] {
  const words: string[] = [];
  for (const match of input.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

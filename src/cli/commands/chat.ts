/**
 * `toolsmith chat` (`npm run chat`): a task session in the terminal, through the task service, so it
 * is saved, audited and resumable (`--resume [ID]`, `/resume`). Type a task, watch the steps, follow
 * up; input may be piped in (one message per line, `\` or `"""` for more), and the chat ends cleanly
 * at the end of it. Exit 0, or 1 when piped messages were not all answered.
 */
import { parseArgs } from 'node:util';
import type { App } from '../../app/create-app.ts';
import { loadConfig, requireValue, terminalOptions } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { operatorActor } from '../../service/permissions.ts';
import type { Actor, MessageOutcome } from '../../service/types.ts';
import { takeOptionalValue } from '../args.ts';
import { printResumed, runChatCommand } from '../chat/chat-commands.ts';
import { type ChatInput, createChatInput } from '../chat/chat-input.ts';
import { type ChatSession, createChatSession } from '../chat/chat-session.ts';
import { color } from '../print.ts';
import { createTerminalRenderer, type TerminalRenderer } from '../render-events.ts';
import { createScreen, type Screen } from '../screen.ts';
import { startStatusFile } from '../service-status-file.ts';
import { withTerminalApprovals } from '../terminal-approvals.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'Chat with the agent in the terminal: a saved session; follow-ups keep the sandbox state.',
  usage: 'toolsmith chat [--resume [ID]] [--workspace DIR] [--model ID]',
  async run(argv) {
    const { rest, present: resume, value: resumeId } = takeOptionalValue(argv, '--resume');
    const { values } = parseArgs({
      args: rest,
      options: { workspace: { type: 'string' }, model: { type: 'string' } },
    });
    const config = loadConfig();
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'toolsmith chat');
    const screen = createScreen({ stream: process.stdout });
    const { debug } = terminalOptions(process.stdout.isTTY);
    const renderer = createTerminalRenderer({ screen, paint: color, debug });
    // ANTHROPIC_MODEL, or --model (one of ALLOWED_MODELS), with its MODEL_OPTIONS.
    // Loaded only now, so a usage or configuration error is told without loading the whole app.
    const [{ createApp }, { createModelRouter }] = await Promise.all([
      import('../../app/create-app.ts'),
      import('../../model/create-model-router.ts'),
    ]);
    const model = createModelRouter(config).get(values.model);
    const app = await createApp(config, { model, log: (text) => renderer.note(text), oneSession: true });
    const actor = operatorActor(config.localUser);
    const statusFile = startStatusFile(config.dataDir, () => app.service.status());
    const chat = createChatSession({
      app,
      actor,
      ...(values.workspace ? { workspaceDir: values.workspace } : {}),
    });
    const print = (text: string) => screen.line(text);
    const state: ChatState = { running: undefined };

    const input = createChatInput({
      input: process.stdin,
      output: process.stdout,
      onInterrupt: () => {
        if (!state.running) return false;
        app.service.stop(state.running, actor);
        print(color.yellow('stopping…'));
        return true;
      },
      onExitHint: () => print(color.dim('(Ctrl-C again, /exit or Ctrl-D to leave)')),
    });
    // Without a terminal Ctrl-C is a signal: stop the running step, or leave.
    const onSigint = () => {
      if (state.running) app.service.stop(state.running, actor);
      else input.close();
    };
    if (!input.terminal) process.on('SIGINT', onSigint);

    try {
      print(color.bold('Toolsmith chat') + color.dim(` (model ${model.modelId}; /help lists commands)`));
      for (const server of app.hub.servers())
        if (server.status === 'failed')
          print(color.yellow(`MCP server ${server.name} is not available: ${server.error ?? 'failed'}`));
      if (resume) {
        const resumed = chat.resume(resumeId);
        if (!resumed.ok) throw new UsageError(resumed.reason);
        printResumed(resumed.info, resumed.lastExchange, { paint: color, print });
      }
      const unanswered = await converse({ app, actor, chat, input, renderer, screen, state, print }, () =>
        statusFile.refresh(),
      );
      const last = chat.current();
      if (last)
        print(color.dim(`session ${last.id} is saved: toolsmith chat --resume ${last.id} goes on with it`));
      return !input.terminal && unanswered > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
      input.close();
      screen.close();
      statusFile.stop();
      await app.close();
    }
  },
};

/** The session whose step is running, if one is (Ctrl-C stops it). */
interface ChatState {
  running: string | undefined;
}

interface ConverseContext {
  app: App;
  actor: Actor;
  chat: ChatSession;
  input: ChatInput;
  renderer: TerminalRenderer;
  screen: Screen;
  state: ChatState;
  print: (text: string) => void;
}

/** Read messages until the input ends or `/exit`: commands run, tasks go to the service. Unanswered count. */
async function converse(context: ConverseContext, afterMessage: () => void): Promise<number> {
  const { app, actor, chat, input, renderer, screen, state, print } = context;
  let unanswered = 0;
  input.prompt();
  for (let text = await input.next(); text !== undefined; text = await input.next()) {
    if (!input.terminal) print(color.bold(`> ${text}`));
    if (/^\/\w/.test(text)) {
      if ((await runChatCommand(text, { app, chat, paint: color, print })) === 'exit') break;
    } else {
      const session = await chat.ensure(text);
      state.running = session.id;
      const result = await send({ app, actor, chat, text, renderer, screen });
      state.running = undefined;
      afterMessage();
      if (result !== 'answered') unanswered++;
      // A message the model never got is put back in the line, to send again.
      if (result === 'failed') input.refill(text);
    }
    input.prompt();
  }
  return unanswered;
}

interface SendContext {
  app: App;
  actor: Actor;
  chat: ChatSession;
  text: string;
  renderer: TerminalRenderer;
  screen: Screen;
}

/** One message through the service, rendered: answered, not answered, or failed before the model answered. */
async function send({
  app,
  actor,
  chat,
  text,
  renderer,
  screen,
}: SendContext): Promise<'answered' | 'stopped' | 'failed'> {
  const session = await chat.ensure(text);
  // The chat's input line is busy while a step runs: a call that needs approval is denied, and says so.
  const onEvent = withTerminalApprovals(renderer.onEvent, {
    service: app.service,
    actor,
    screen,
    whyNot: 'chat cannot ask while a step runs; use `toolsmith run` in a terminal, or Discord',
  });
  const sent = await app.service.send(session.id, { actor, text }, { onEvent });
  const outcome: MessageOutcome = sent.accepted
    ? await sent.done
    : { status: 'error', message: sent.reason === 'refused' ? sent.refusal : 'the session is gone' };
  renderer.idle();
  if (outcome.status === 'done') {
    renderer.summary(
      outcome.report,
      outcome.report.files.map((file) => `${outcome.workspaceDir}/${file}`),
    );
    if (outcome.report.ok) return 'answered';
    return outcome.report.stopReason === 'error' && outcome.report.runs.length === 0 ? 'failed' : 'stopped';
  }
  screen.line(
    color.red(
      outcome.status === 'error'
        ? `error: ${outcome.message}`
        : outcome.status === 'cancelled'
          ? 'stopped before it started'
          : 'stopped: Toolsmith is shutting down',
    ),
  );
  return outcome.status === 'error' ? 'failed' : 'stopped';
}

export default command;

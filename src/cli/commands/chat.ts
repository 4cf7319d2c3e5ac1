/**
 * `toolsmith chat` (`npm run chat`): an interactive task session in the terminal. Type a task, watch
 * the code, tool calls and output as they happen, follow up; Ctrl-C stops the running step.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createApp } from '../../app/create-app.ts';
import { loadConfig, requireValue } from '../../config.ts';
import { operatorActor } from '../../service/permissions.ts';
import type { MessageOutcome, SendResult } from '../../service/types.ts';
import type { CliCommand } from '../main.ts';
import { color, print } from '../print.ts';
import { createTerminalRenderer, formatCost } from '../render-events.ts';

const HELP = `Type a task, then follow up in the same session. Commands:
  /files   list the workspace files      /cost   tokens and cost so far
  /reset   forget the sandbox variables  /exit   leave (or Ctrl-D)
Ctrl-C stops the running step.`;

const command: CliCommand = {
  summary: 'Chat with the agent in the terminal: one task session, follow-ups keep the sandbox state.',
  usage: 'toolsmith chat [--workspace DIR]',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { workspace: { type: 'string' } } });
    const config = loadConfig();
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'toolsmith chat');
    const workspaceDir = values.workspace
      ? path.resolve(values.workspace)
      : await mkdtemp(path.join(tmpdir(), 'toolsmith-chat-'));
    const render = createTerminalRenderer((text) => process.stdout.write(text));
    const app = await createApp(config, { log: render.note });
    const actor = operatorActor(config.localUser);
    const session = await app.service.open({
      id: `chat-${randomUUID()}`,
      actor,
      title: 'chat',
      frontEnd: 'terminal',
      workspaceDir,
    });
    const failed = app.hub.servers().filter((server) => server.status === 'failed');
    print(
      color.bold('Toolsmith chat') +
        color.dim(` (model ${config.anthropic.model}, workspace ${workspaceDir})`),
    );
    for (const server of failed)
      print(color.yellow(`MCP server ${server.name} is not available: ${server.error ?? 'failed'}`));
    print(color.dim(HELP));

    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
    let running = false;
    rl.on('SIGINT', () => {
      if (running) {
        app.service.stop(session.id, actor);
        print(color.yellow('\nstopping…'));
      } else {
        rl.close();
      }
    });
    rl.prompt();
    try {
      for await (const raw of rl) {
        const input = raw.trim();
        if (!input) {
          rl.prompt();
          continue;
        }
        if (input === '/exit' || input === '/quit') break;
        if (input === '/help') print(HELP);
        else if (input === '/files') {
          const files = await app.service.files(session.id);
          print(files.length === 0 ? '(no files)' : files.map((f) => `${f.path}  ${f.bytes} B`).join('\n'));
        } else if (input === '/reset') {
          await app.service.resetSandbox(session.id);
          print('sandbox reset: variables are gone, files are kept');
        } else if (input === '/cost') {
          const totals = app.service.totals(session.id);
          if (totals) print(formatCost(totals.usage, totals.costUsd));
        } else if (input.startsWith('/')) {
          print(`unknown command ${input}; /help lists them`);
        } else {
          running = true;
          const sent = await app.service.send(session.id, { actor, text: input }, { onEvent: render });
          const outcome = sent.accepted ? await sent.done : undefined;
          running = false;
          if (outcome?.status !== 'done') {
            print(color.red(describeOutcome(sent, outcome)));
          } else {
            const report = outcome.report;
            // The answer was streamed as it came: print it again only when it was not (or failed).
            if (!report.ok || render.lastStreamed() !== report.answer.trim()) {
              print('');
              print(report.ok ? report.answer : color.red(report.answer));
            } else print('');
            print(
              color.dim(
                `(${report.steps} steps, ${(report.durationMs / 1000).toFixed(1)} s, $${report.costUsd.toFixed(4)})`,
              ),
            );
          }
        }
        rl.prompt();
      }
    } finally {
      rl.close();
      await app.close();
    }
    return 0;
  },
};

/** Why a message did not end with a report, in one line. */
function describeOutcome(sent: SendResult, outcome: MessageOutcome | undefined): string {
  if (!sent.accepted) return sent.reason === 'refused' ? sent.refusal : 'the session is gone';
  if (!outcome) return 'no outcome';
  if (outcome.status === 'error') return `error: ${outcome.message}`;
  if (outcome.status === 'cancelled') return 'stopped before it started';
  if (outcome.status === 'shutdown') return 'stopped: Toolsmith is shutting down';
  return '';
}

export default command;

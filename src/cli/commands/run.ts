/**
 * `toolsmith run "task" [--file PATH]...`: one task through the task service (saved, audited and
 * resumable with `toolsmith chat --resume ID` like any session). Progress and a closing summary go to
 * stderr, the answer alone to stdout; `--json` prints exactly one JSON document on stdout.
 * Exit codes: 0 answered, 1 not answered (see `stopReason`), 2 usage or configuration, 130 stopped
 * with Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TaskReport } from '../../agent/types.ts';
import { loadConfig, requireValue, terminalOptions } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { operatorActor } from '../../service/permissions.ts';
import type { MessageOutcome } from '../../service/types.ts';
import { checkDeclaredFile, safeFileName } from '../../tools/builtin/incoming-file.ts';
import { incomingFiles, localFileLimits } from '../incoming-files.ts';
import { renderMarkdown } from '../markdown.ts';
import { color, errorColor, print, printError } from '../print.ts';
import { createTerminalRenderer } from '../render-events.ts';
import { createScreen } from '../screen.ts';
import { terminalQuestion, withTerminalApprovals } from '../terminal-approvals.ts';
import type { CliCommand } from '../types.ts';

/** Exit codes of `toolsmith run` (documented in the README). */
export const RUN_EXIT = { answered: 0, notAnswered: 1, usage: 2, interrupted: 130 } as const;

const command: CliCommand = {
  summary: 'Run one task with the agent: the answer on stdout, progress and a summary on stderr.',
  usage: 'toolsmith run "task" [--file PATH]... [--workspace DIR] [--model ID] [--json] [--quiet]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true, default: [] },
        workspace: { type: 'string' },
        model: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    const task = positionals.join(' ').trim();
    if (!task)
      throw new UsageError(
        'toolsmith run needs the task text, e.g. toolsmith run "sum the numbers in data.csv" --file data.csv',
      );
    const config = loadConfig();
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'toolsmith run');
    // A file that cannot come in stops the command before anything starts (the quota is checked at the copy).
    for (const file of values.file) {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new UsageError(`--file ${file}: ${info ? 'not a file' : 'no such file'}`);
      const refusal = checkDeclaredFile(
        { name: safeFileName(file), size: info.size },
        localFileLimits(config),
      );
      if (refusal) throw new UsageError(`--file ${refusal}`);
    }
    const { debug } = terminalOptions(process.stderr.isTTY);
    const screen = createScreen({ stream: process.stderr });
    const renderer = createTerminalRenderer({ screen, paint: errorColor, showAnswer: false, debug });
    const progress = !values.json && !values.quiet;
    // ANTHROPIC_MODEL, or --model (one of ALLOWED_MODELS), with its MODEL_OPTIONS.
    // Loaded only now, so a usage or configuration error is told without loading the whole app.
    const [{ createApp }, { createModelRouter }] = await Promise.all([
      import('../../app/create-app.ts'),
      import('../../model/create-model-router.ts'),
    ]);
    const model = createModelRouter(config).get(values.model);
    const app = await createApp(config, {
      model,
      log: (text) => (progress || debug ? renderer.note(text) : undefined),
    });
    let interrupted = false;
    try {
      const actor = operatorActor(config.localUser);
      const session = await app.service.open({
        id: `run-${randomUUID()}`,
        actor,
        title: task.slice(0, 100),
        frontEnd: 'terminal',
        ...(values.workspace ? { workspaceDir: path.resolve(values.workspace) } : {}),
      });
      const onSigint = () => {
        // A second Ctrl-C while the step winds down leaves at once.
        if (interrupted) process.exit(RUN_EXIT.interrupted);
        interrupted = true;
        app.service.stop(session.id, actor);
      };
      process.on('SIGINT', onSigint);
      const sent = await app.service.send(
        session.id,
        { actor, text: task, files: incomingFiles(values.file, config) },
        {
          onEvent: withTerminalApprovals(progress ? renderer.onEvent : () => {}, {
            service: app.service,
            actor,
            screen,
            ...terminalQuestionOr(),
          }),
        },
      );
      const outcome: MessageOutcome = sent.accepted
        ? await sent.done
        : { status: 'error', message: sent.reason === 'refused' ? sent.refusal : 'the session is gone' };
      process.off('SIGINT', onSigint);
      renderer.idle();
      if (outcome.status !== 'done') {
        const message = outcome.status === 'error' ? outcome.message : `the task was ${outcome.status}`;
        if (values.json)
          print(JSON.stringify({ ok: false, stopReason: 'error', error: message, sessionId: session.id }));
        printError(message);
        return RUN_EXIT.notAnswered;
      }
      const report = outcome.report;
      const files = report.files.map((file) => path.join(outcome.workspaceDir, file));
      if (values.json) print(JSON.stringify(jsonReport(report, files, session.id)));
      else {
        if (report.ok)
          print(
            process.stdout.isTTY
              ? renderMarkdown(report.answer, { paint: color, width: process.stdout.columns ?? 80 })
              : report.answer,
          );
        else if (!progress) printError(report.answer);
        if (progress) {
          renderer.summary(report, files);
          screen.line(
            errorColor.dim(`session ${session.id} (toolsmith chat --resume ${session.id} to follow up)`),
          );
        }
      }
      if (report.ok) return RUN_EXIT.answered;
      return interrupted ? RUN_EXIT.interrupted : RUN_EXIT.notAnswered;
    } finally {
      screen.close();
      await app.close();
    }
  },
};

/** The `--json` document: `ok` is true exactly when the task was answered; `stopReason` says why not. */
function jsonReport(report: TaskReport, files: string[], sessionId: string) {
  return {
    ok: report.ok,
    stopReason: report.stopReason ?? (report.ok ? 'answered' : 'error'),
    answer: report.answer,
    steps: report.steps,
    codeRuns: report.runs.length,
    failedRuns: report.runs.filter((run) => !run.ok).length,
    usage: report.usage,
    costUsd: report.costUsd,
    durationMs: report.durationMs,
    files,
    sessionId,
    ...(report.skillLearned ? { skillLearned: report.skillLearned } : {}),
  };
}

/** Ask on the terminal when stdin is one; in a pipe, deny and say why. */
function terminalQuestionOr(): { ask: (question: string) => Promise<string> } | { whyNot: string } {
  const ask = terminalQuestion();
  return ask
    ? { ask }
    : { whyNot: 'stdin is not a terminal, so nobody can approve it (run it in a terminal to be asked)' };
}

export default command;

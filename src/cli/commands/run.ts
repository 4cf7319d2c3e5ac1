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
import type { App } from '../../app/create-app.ts';
import { type Config, loadConfig, requireValue, terminalOptions } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { operatorActor } from '../../service/permissions.ts';
import type { MessageOutcome } from '../../service/types.ts';
import { checkDeclaredFile, safeFileName } from '../../tools/builtin/incoming-file.ts';
import { incomingFiles, localFileLimits } from '../incoming-files.ts';
import { renderMarkdown } from '../markdown.ts';
import { color, errorColor, print, printError } from '../print.ts';
import { createTerminalRenderer, type TerminalRenderer } from '../render-events.ts';
import { createScreen, type Screen } from '../screen.ts';
import { terminalQuestion, withTerminalApprovals } from '../terminal-approvals.ts';
import type { CliCommand } from '../types.ts';

/** Exit codes of `toolsmith run` (documented in the README). */
export const RUN_EXIT = { answered: 0, notAnswered: 1, usage: 2, interrupted: 130 } as const;

const command: CliCommand = {
  summary: 'Run one task with the agent: the answer on stdout, progress and a summary on stderr.',
  usage: 'toolsmith run "task" [--file PATH]... [--workspace DIR] [--model ID] [--json] [--quiet]',
  async run(argv) {
    const args = parseRunArgs(argv);
    const config = loadConfig();
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'toolsmith run');
    await checkFiles(args.files, config);
    const { debug } = terminalOptions(process.stderr.isTTY);
    const screen = createScreen({ stream: process.stderr });
    const renderer = createTerminalRenderer({ screen, paint: errorColor, showAnswer: false, debug });
    const progress = !args.json && !args.quiet;
    // ANTHROPIC_MODEL, or --model (one of ALLOWED_MODELS), with its MODEL_OPTIONS.
    // Loaded only now, so a usage or configuration error is told without loading the whole app.
    const [{ createApp }, { createModelRouter }] = await Promise.all([
      import('../../app/create-app.ts'),
      import('../../model/create-model-router.ts'),
    ]);
    const model = createModelRouter(config).get(args.model);
    const app = await createApp(config, {
      model,
      log: (text) => (progress || debug ? renderer.note(text) : undefined),
      oneSession: true,
    });
    try {
      return await runTask({ app, config, args, screen, renderer, progress });
    } finally {
      screen.close();
      await app.close();
    }
  },
};

/** The command line of `toolsmith run`. */
interface RunArgs {
  task: string;
  files: string[];
  workspace: string | undefined;
  model: string | undefined;
  json: boolean;
  quiet: boolean;
}

function parseRunArgs(argv: string[]): RunArgs {
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
  const { workspace, model, json = false, quiet = false } = values;
  return { task, files: values.file ?? [], workspace, model, json, quiet };
}

/** A file that cannot come in stops the command before anything starts (the quota is checked at the copy). */
async function checkFiles(files: string[], config: Config): Promise<void> {
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`--file ${file}: ${info ? 'not a file' : 'no such file'}`);
    const refusal = checkDeclaredFile({ name: safeFileName(file), size: info.size }, localFileLimits(config));
    if (refusal) throw new UsageError(`--file ${refusal}`);
  }
}

/** What a run needs once the app is up. */
interface RunContext {
  app: App;
  config: Config;
  args: RunArgs;
  screen: Screen;
  renderer: TerminalRenderer;
  /** Progress and the summary are shown (not --json, not --quiet). */
  progress: boolean;
}

/** Open a session, send the task (Ctrl-C stops it), print the outcome; resolves to the exit code. */
async function runTask(context: RunContext): Promise<number> {
  const { app, config, args, screen, renderer, progress } = context;
  const actor = operatorActor(config.localUser);
  const session = await app.service.open({
    id: `run-${randomUUID()}`,
    actor,
    title: args.task.slice(0, 100),
    frontEnd: 'terminal',
    ...(args.workspace ? { workspaceDir: path.resolve(args.workspace) } : {}),
  });
  let interrupted = false;
  const onSigint = () => {
    // A second Ctrl-C while the step winds down leaves at once.
    if (interrupted) process.exit(RUN_EXIT.interrupted);
    interrupted = true;
    app.service.stop(session.id, actor);
  };
  process.on('SIGINT', onSigint);
  const sent = await app.service.send(
    session.id,
    { actor, text: args.task, files: incomingFiles(args.files, config) },
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
  const code = printOutcome(context, outcome, session.id);
  return code === RUN_EXIT.notAnswered && outcome.status === 'done' && interrupted
    ? RUN_EXIT.interrupted
    : code;
}

/** The answer on stdout (or the --json document), the summary on stderr; resolves to the exit code. */
function printOutcome(context: RunContext, outcome: MessageOutcome, sessionId: string): number {
  const { args, screen, renderer, progress } = context;
  if (outcome.status !== 'done') {
    const message = outcome.status === 'error' ? outcome.message : `the task was ${outcome.status}`;
    if (args.json) print(JSON.stringify({ ok: false, stopReason: 'error', error: message, sessionId }));
    printError(message);
    return RUN_EXIT.notAnswered;
  }
  const report = outcome.report;
  const files = report.files.map((file) => path.join(outcome.workspaceDir, file));
  if (args.json) print(JSON.stringify(jsonReport(report, files, sessionId)));
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
      screen.line(errorColor.dim(`session ${sessionId} (toolsmith chat --resume ${sessionId} to follow up)`));
    }
  }
  return report.ok ? RUN_EXIT.answered : RUN_EXIT.notAnswered;
}

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

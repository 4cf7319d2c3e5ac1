/**
 * `toolsmith run "task" [--file PATH]...`: one task; files copied into the workspace; the answer
 * on stdout (progress on stderr); exit 0 on success. `--json` prints the report as JSON.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../../app/create-app.ts';
import { loadConfig, requireValue } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { operatorActor } from '../../service/permissions.ts';
import type { CliCommand } from '../main.ts';
import { print, printError, printNote } from '../print.ts';
import { createTerminalRenderer } from '../render-events.ts';

const command: CliCommand = {
  summary: 'Run one task with the agent and print the answer.',
  usage: 'toolsmith run "task" [--file PATH]... [--workspace DIR] [--json] [--quiet]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true, default: [] },
        workspace: { type: 'string' },
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
    const workspaceDir = values.workspace
      ? path.resolve(values.workspace)
      : await mkdtemp(path.join(tmpdir(), 'toolsmith-run-'));
    await mkdir(workspaceDir, { recursive: true });
    for (const file of values.file) {
      try {
        await copyFile(file, path.join(workspaceDir, path.basename(file)));
      } catch (error) {
        throw new UsageError(
          `cannot copy ${file} into the workspace: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const app = await createApp(config, { log: printNote });
    try {
      const actor = operatorActor(config.localUser);
      const session = await app.service.open({
        id: `run-${randomUUID()}`,
        actor,
        title: task.slice(0, 100),
        frontEnd: 'terminal',
        workspaceDir,
      });
      const onSigint = () => app.service.stop(session.id, actor);
      process.once('SIGINT', onSigint);
      const render = values.json || values.quiet ? () => {} : createTerminalRenderer();
      // The answer goes to stdout; while streaming it went to stderr with the rest of the progress.
      const sent = await app.service.send(session.id, { actor, text: task }, { onEvent: render });
      if (!sent.accepted)
        throw new UsageError(sent.reason === 'refused' ? sent.refusal : 'the session is gone');
      const outcome = await sent.done;
      process.off('SIGINT', onSigint);
      if (outcome.status !== 'done') {
        printError(outcome.status === 'error' ? outcome.message : `the task was ${outcome.status}`);
        return 1;
      }
      const report = outcome.report;
      if (values.json) {
        print(
          JSON.stringify({
            ok: report.ok,
            answer: report.answer,
            steps: report.steps,
            usage: report.usage,
            costUsd: report.costUsd,
            durationMs: report.durationMs,
            files: report.files.map((file) => path.join(workspaceDir, file)),
            sessionId: session.id,
            ...(report.stopReason && !report.ok ? { stopReason: report.stopReason } : {}),
            ...(report.skillLearned ? { skillLearned: report.skillLearned } : {}),
          }),
        );
      } else {
        print(report.answer);
        if (report.files.length > 0)
          process.stderr.write(`files: ${report.files.map((f) => path.join(workspaceDir, f)).join(', ')}\n`);
      }
      return report.ok ? 0 : 1;
    } finally {
      await app.close();
    }
  },
};

export default command;

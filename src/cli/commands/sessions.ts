/**
 * `toolsmith sessions list [--json]`: saved task sessions, newest first, from the terminal and from
 * Discord; `toolsmith chat --resume ID` goes on with one. Reads the store without opening the app,
 * so it works while the bot runs.
 */
import { parseArgs } from 'node:util';
import { type SessionSnapshot, SessionSnapshotSchema } from '../../agent/session-snapshot.ts';
import { loadConfig } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { openStore } from '../../store/open-store.ts';
import { createSessionsRepo, type SessionRow } from '../../store/sessions-repo.ts';
import { color, print } from '../print.ts';
import { formatSessionLine } from '../sessions-table.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'List saved task sessions (terminal and Discord), newest first.',
  usage: 'toolsmith sessions list [--json] [--limit N] [--terminal | --discord] [--mine]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        limit: { type: 'string', default: '20' },
        terminal: { type: 'boolean', default: false },
        discord: { type: 'boolean', default: false },
        mine: { type: 'boolean', default: false },
      },
    });
    const sub = positionals[0] ?? 'list';
    if (sub !== 'list' || positionals.length > 1) throw new UsageError(`usage: ${command.usage}`);
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive whole number (got "${values.limit}")`);
    const config = loadConfig();
    const store = openStore({ dataDir: config.dataDir });
    try {
      const repo = createSessionsRepo<SessionSnapshot>(store, { snapshotSchema: SessionSnapshotSchema });
      const frontEnd = values.terminal ? 'terminal' : values.discord ? 'discord' : undefined;
      const rows = repo.list({
        limit,
        ...(frontEnd ? { frontEnd } : {}),
        ...(values.mine ? { owner: config.localUser } : {}),
      });
      if (values.json) {
        print(JSON.stringify({ sessions: rows.map(listing) }));
        return 0;
      }
      if (rows.length === 0) {
        print(color.dim(`no saved sessions in ${config.dataDir}`));
        return 0;
      }
      for (const row of rows) print(formatSessionLine(row));
      print(color.dim('toolsmith chat --resume ID goes on with one (the start of an ID is enough)'));
      return 0;
    } finally {
      store.close();
    }
  },
};

function listing(row: SessionRow<SessionSnapshot>) {
  return {
    id: row.id,
    frontEnd: row.frontEnd,
    status: row.status,
    title: row.title,
    owner: row.owner,
    scope: row.scope,
    workspaceDir: row.workspaceDir,
    messages: row.snapshot.messages.length,
    costUsd: row.snapshot.costUsd,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export default command;

/**
 * `toolsmith skills list | search | show | delete | export | import | reindex | review | approve |
 * reject | history | diff | revert`, each with `--json` and `--scope`. Works on the library in
 * DATA_DIR with the configured embedder, as an operator (the host's authority; see trust.ts).
 */
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { openSkillLibraryFromConfig } from '../../skills/open-from-config.ts';
import { operatorActor } from '../../skills/records/trust.ts';
import { SKILL_SCOPE } from '../../skills/skill-name.ts';
import type { SkillLibrary } from '../../skills/types.ts';
import { openStore } from '../../store/open-store.ts';
import { color, print } from '../print.ts';
import type { CliCommand } from '../types.ts';
import { skillActions } from './skills-actions.ts';
import { type Emit, parseVersionOption, runReview } from './skills-review.ts';

const USAGE = [
  'toolsmith skills list [--scope S] [--json]',
  'toolsmith skills search "TEXT" [--scope S] [--limit N] [--json]',
  'toolsmith skills show NAME [--scope S] [--json]',
  'toolsmith skills delete NAME [--scope S] [--json]',
  'toolsmith skills export DIR [--scope S] [--include-global] [--json]',
  'toolsmith skills import DIR [--scope S] [--json]',
  'toolsmith skills reindex [--json]',
  'toolsmith skills review [--scope S] [--json]',
  'toolsmith skills approve NAME [--scope S] [--version N] [--override] [--json]',
  'toolsmith skills reject NAME [--scope S] [--version N] [--json]',
  'toolsmith skills history NAME [--scope S] [--json]',
  'toolsmith skills diff NAME V1 V2 [--scope S] [--json]',
  'toolsmith skills revert NAME VN [--scope S] [--json]',
].join('\n       ');

/** Where output goes (the terminal, or a test). */
export interface SkillsIo {
  out(line: string): void;
  err(line: string): void;
}

const NEEDS_ARG = [
  'search',
  'show',
  'delete',
  'export',
  'import',
  'approve',
  'reject',
  'history',
  'diff',
  'revert',
];
const REVIEW = ['review', 'approve', 'reject', 'history', 'diff', 'revert'];
const EXTRA_ARGS: Record<string, number> = { diff: 2, revert: 1 };

/** The command line, checked: which subcommand, on what, with which options. */
interface SkillsRequest {
  sub: string;
  arg: string | undefined;
  extra: string[];
  json: boolean;
  scope: string | undefined;
  limit: number;
  version: number | undefined;
  override: boolean;
  includeGlobal: boolean;
}

/** Parse and check argv; every mistake is a UsageError before anything is opened. */
function parseSkillsArgs(argv: string[]): SkillsRequest {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      scope: { type: 'string' },
      limit: { type: 'string' },
      version: { type: 'string' },
      override: { type: 'boolean', default: false },
      'include-global': { type: 'boolean', default: false },
    },
  });
  const [sub, arg, ...extra] = positionals;
  if (!sub || !['list', 'reindex', 'review', ...NEEDS_ARG].includes(sub))
    throw new UsageError(`usage: ${USAGE}`);
  if (NEEDS_ARG.includes(sub) && !arg)
    throw new UsageError(
      `toolsmith skills ${sub} needs ${sub === 'search' ? 'a TEXT' : ['export', 'import'].includes(sub) ? 'a DIR' : 'a NAME'}`,
    );
  const wanted = EXTRA_ARGS[sub] ?? 0;
  if (extra.length !== wanted && wanted > 0)
    throw new UsageError(`toolsmith skills ${sub} needs ${sub === 'diff' ? 'NAME V1 V2' : 'NAME VN'}`);
  if ((wanted === 0 && extra.length > 0) || (!NEEDS_ARG.includes(sub) && arg))
    throw new UsageError(`unexpected argument "${extra[0] ?? arg}"; quote TEXT with spaces`);
  const version = parseVersionOption(values.version);
  const scope = values.scope;
  if (scope !== undefined && !SKILL_SCOPE.test(scope))
    throw new UsageError(`--scope "${scope}" is not a scope: use a server id, local or global`);
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError('--limit takes a whole number from 1 to 100');
  return {
    sub,
    arg,
    extra,
    json: values.json ?? false,
    scope,
    limit,
    version,
    override: values.override ?? false,
    includeGlobal: values['include-global'] ?? false,
  };
}

/** Run the subcommand; returns the exit code. */
export async function runSkills(argv: string[], config: Config, io: SkillsIo): Promise<number> {
  const request = parseSkillsArgs(argv);
  const { sub, arg, scope } = request;
  const actor = operatorActor(config.localUser);
  const emit: Emit = (data, lines) => {
    if (request.json) io.out(JSON.stringify(data, null, 2));
    else for (const line of lines()) io.out(line);
  };
  const store = openStore({ dataDir: config.dataDir });
  let library: SkillLibrary | undefined;
  try {
    library = await openSkillLibraryFromConfig({
      config,
      store,
      rebuild: sub === 'reindex',
      log: (level, message) => io.err(level === 'warn' ? color.yellow(message) : color.dim(message)),
    });
    if (REVIEW.includes(sub)) {
      const { extra: rest, version, override } = request;
      return await runReview(library, { sub, name: arg, rest, scope, version, override }, actor, emit);
    }
    await skillActions[sub]?.({
      library,
      arg: arg ?? '',
      scope,
      limit: request.limit,
      includeGlobal: request.includeGlobal,
      actor,
      emit,
    });
    return 0;
  } finally {
    await library?.close();
    store.close();
  }
}

const command: CliCommand = {
  summary:
    'Manage the skill library: list, search, show, delete, export, import, reindex, review, approve, reject, history, diff, revert.',
  usage: USAGE,
  run: (argv) =>
    runSkills(argv, loadConfig(), { out: print, err: (line) => process.stderr.write(`${line}\n`) }),
};

export default command;

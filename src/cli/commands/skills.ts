/**
 * `toolsmith skills list | search | show | delete | export | import | reindex | review | approve |
 * reject | history | diff | revert`, each with `--json` and `--scope`. Works on the library in
 * DATA_DIR with the configured embedder, as an operator (the host's authority; see trust.ts).
 */
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { exportSkills, readSkillFolders } from '../../skills/files/skill-files.ts';
import { openSkillLibraryFromConfig } from '../../skills/open-from-config.ts';
import { operatorActor } from '../../skills/records/trust.ts';
import { GLOBAL_SCOPE, SKILL_SCOPE, scopesFor } from '../../skills/skill-name.ts';
import type { SaveResult, Skill, SkillLibrary } from '../../skills/types.ts';
import { openStore } from '../../store/open-store.ts';
import type { CliCommand } from '../main.ts';
import { color, print } from '../print.ts';
import { parseVersionOption, runReview, scopeOf } from './skills-review.ts';

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

const summary = (skill: Skill) => ({
  name: skill.name,
  scope: skill.scope,
  description: skill.description,
  signature: skill.signature,
  source: skill.source,
  author: skill.author,
  state: skill.state,
  version: skill.version,
  versionAuthor: skill.versionAuthor,
  tools: skill.tools,
  used: skill.used,
  succeeded: skill.succeeded,
  failed: skill.failed,
  votes: skill.votes,
  retrieved: skill.retrieved,
  updatedAt: skill.updatedAt,
});

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The one skill called NAME (or its camelCase identifier) in the given scope or any; else a UsageError. */
function findOne(library: SkillLibrary, name: string, scope: string | undefined): Skill {
  const found = library.get(name, [scopeOf(library, name, scope)]);
  if (!found)
    throw new UsageError(`no skill named ${name}${scope ? ` in scope ${scope}` : ''}`, {
      fix: 'See `toolsmith skills list`',
    });
  return found;
}

/** Run the subcommand; returns the exit code. */
export async function runSkills(argv: string[], config: Config, io: SkillsIo): Promise<number> {
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
  const extraArgs: Record<string, number> = { diff: 2, revert: 1 };
  const needsArg = [
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
  if (!sub || !['list', 'reindex', 'review', ...needsArg].includes(sub))
    throw new UsageError(`usage: ${USAGE}`);
  if (needsArg.includes(sub) && !arg)
    throw new UsageError(
      `toolsmith skills ${sub} needs ${sub === 'search' ? 'a TEXT' : ['export', 'import'].includes(sub) ? 'a DIR' : 'a NAME'}`,
    );
  const wanted = extraArgs[sub] ?? 0;
  if (extra.length !== wanted && wanted > 0)
    throw new UsageError(`toolsmith skills ${sub} needs ${sub === 'diff' ? 'NAME V1 V2' : 'NAME VN'}`);
  if ((wanted === 0 && extra.length > 0) || (!needsArg.includes(sub) && arg))
    throw new UsageError(`unexpected argument "${extra[0] ?? arg}"; quote TEXT with spaces`);
  const version = parseVersionOption(values.version);
  const actor = operatorActor(config.localUser);
  const scope = values.scope;
  if (scope !== undefined && !SKILL_SCOPE.test(scope))
    throw new UsageError(`--scope "${scope}" is not a scope: use a server id, local or global`);
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError('--limit takes a whole number from 1 to 100');

  const emit = (data: unknown, lines: () => string[]) => {
    if (values.json) io.out(JSON.stringify(data, null, 2));
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
    switch (sub) {
      case 'list': {
        const skills = library.list(scope ? [scope] : undefined);
        emit(skills.map(summary), () =>
          skills.length === 0
            ? ['no skills']
            : table([
                ['NAME', 'SCOPE', 'SOURCE', 'V', 'USED', 'OK', 'FAIL', 'VOTES', 'DESCRIPTION'],
                ...skills.map((s) => [
                  s.name,
                  s.scope,
                  s.source,
                  String(s.version),
                  String(s.used),
                  String(s.succeeded),
                  String(s.failed),
                  String(s.votes),
                  clip(s.description, 60),
                ]),
              ]),
        );
        return 0;
      }
      case 'search': {
        const scopes = scope ? scopesFor(scope) : [...new Set(library.list().map((s) => s.scope))];
        const hits = await library.search(arg ?? '', scopes, limit);
        emit(
          hits.map((hit) => ({ ...summary(hit.skill), similarity: hit.similarity, score: hit.score })),
          () =>
            hits.length === 0
              ? ['no matches']
              : table([
                  ['SCORE', 'NAME', 'SCOPE', 'DESCRIPTION'],
                  ...hits.map((hit) => [
                    hit.score.toFixed(3),
                    hit.skill.name,
                    hit.skill.scope,
                    clip(hit.skill.description, 70),
                  ]),
                ]),
        );
        return 0;
      }
      case 'show': {
        const skill = findOne(library, arg ?? '', scope);
        emit(
          {
            ...summary(skill),
            code: skill.code,
            task: skill.task,
            example: skill.example ?? null,
            hash: skill.hash,
            createdAt: skill.createdAt,
          },
          () => [
            `${color.bold(skill.name)} (${skill.scope}, ${skill.source} by ${skill.author}, v${skill.version} by ${skill.versionAuthor}, ${skill.state})`,
            skill.description,
            '',
            `signature: ${skill.signature}`,
            `call:      await skills.${skill.identifier}(...)  (resolves to: the server's override, else global, else the server's, else your own proposal)`,
            `tools:     ${skill.tools.map((tool) => `tools.${tool}`).join(', ') || 'none'}`,
            ...(skill.checkResult ? [`check:     ${skill.checkResult}`] : []),
            ...(skill.example ? [`example:   ${skill.example}`] : []),
            ...(skill.task ? [`task:      ${clip(skill.task.replace(/\s+/g, ' '), 200)}`] : []),
            `counters:  retrieved ${skill.retrieved}, used ${skill.used} (${skill.succeeded} ok, ${skill.failed} failed), votes ${skill.votes}`,
            '',
            skill.code.trimEnd(),
          ],
        );
        return 0;
      }
      case 'delete': {
        const skill = findOne(library, arg ?? '', scope);
        await library.delete(skill.name, skill.scope, actor);
        const disabled = skill.source === 'seed';
        emit({ deleted: skill.name, scope: skill.scope, disabled }, () => [
          disabled
            ? `disabled the seed ${skill.name} (it stays disabled across restarts; \`approve\` brings it back)`
            : `deleted ${skill.name} from scope ${skill.scope}`,
        ]);
        return 0;
      }
      case 'export': {
        // Globals (the seeds among them) only when asked: importing them elsewhere would copy them.
        const scopes = scope
          ? [scope, ...(values['include-global'] && scope !== GLOBAL_SCOPE ? [GLOBAL_SCOPE] : [])]
          : undefined;
        const chosen = library
          .list(scopes)
          .filter(
            (s) =>
              s.state === 'approved' &&
              (values['include-global'] || scope === GLOBAL_SCOPE || s.scope !== GLOBAL_SCOPE),
          );
        const folders = await exportSkills(chosen, arg ?? '');
        emit({ exported: folders.length, dir: arg, folders }, () => [
          `exported ${folders.length} skills to ${arg}`,
        ]);
        return 0;
      }
      case 'import': {
        const drafts = await readSkillFolders(arg ?? '', { scope: scope ?? 'local', author: 'import' });
        const results: SaveResult[] = [];
        for (const draft of drafts) results.push(await library.save(draft, actor));
        const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
        emit(
          results.map((r) => ({
            name: r.skill.name,
            scope: r.skill.scope,
            outcome: r.outcome,
            version: r.skill.version,
          })),
          () => [
            `imported into scope ${scope ?? 'local'}: ${count('added')} added, ${count('updated')} updated, ${count('unchanged')} unchanged${count('proposed') > 0 ? `, ${count('proposed')} proposed (see toolsmith skills review)` : ''}`,
          ],
        );
        return 0;
      }
      case 'review':
      case 'approve':
      case 'reject':
      case 'history':
      case 'diff':
      case 'revert':
        return await runReview(
          library,
          { sub, name: arg, rest: extra, scope, version, override: values.override ?? false },
          actor,
          emit,
        );
      default: {
        const count = library.list().length;
        const { provider, model, dimensions } = library.embedder;
        emit({ reindexed: count, provider, model, dimensions: dimensions ?? null }, () => [
          `reindexed ${count} skills with ${provider}/${model}${dimensions ? ` (${dimensions} dimensions)` : ''}`,
        ]);
        return 0;
      }
    }
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

/**
 * `toolsmith skills review | approve | reject | history | diff | revert`: the review side of the skill
 * library from the bot host. The CLI acts as an operator (it has the host's authority): it may
 * review every scope, `global` included.
 */
import { proposalView } from '../../app/skill-admin.ts';
import { UsageError } from '../../errors.ts';
import type { SkillActor, SkillLibrary, SkillVersionRecord } from '../../skills/types.ts';
import { color } from '../print.ts';

export interface ReviewArgs {
  sub: string;
  name: string | undefined;
  rest: string[];
  /** The skill's scope, when said (else the one scope that has the name). */
  scope: string | undefined;
  version: number | undefined;
  override: boolean;
}

/** Output helpers of the skills command. */
export type Emit = (data: unknown, lines: () => string[]) => void;

const versionNumber = (text: string | undefined, what: string): number => {
  const n = Number(text?.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${what} must be a version number like 2 or v2 (got "${text ?? ''}")`);
  return n;
};

/** The scope that holds NAME: the one given, else the only one that has it. */
export function scopeOf(library: SkillLibrary, name: string, scope: string | undefined): string {
  if (scope) return scope;
  const scopes = [...new Set(library.list().map((skill) => skill.scope))];
  const holders = scopes.filter((s) => library.get(name, [s]) !== undefined);
  if (holders.length === 1 && holders[0]) return holders[0];
  if (holders.length > 1)
    throw new UsageError(`${name} exists in scopes ${holders.join(', ')}`, { fix: 'Say which with --scope' });
  throw new UsageError(`no skill named ${name}`, { fix: 'See `toolsmith skills list`' });
}

const versionLine = (v: SkillVersionRecord) =>
  `v${v.version}  ${v.state.padEnd(8)}  ${v.createdAt.slice(0, 19)}  by ${v.author}  (${v.note})${v.reviewedBy ? `  reviewed by ${v.reviewedBy}` : ''}${v.checkResult ? `\n      check: ${v.checkResult}` : ''}${v.task ? `\n      task: ${v.task.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`;

/** Run one review subcommand. */
export async function runReview(
  library: SkillLibrary,
  args: ReviewArgs,
  actor: SkillActor,
  emit: Emit,
): Promise<number> {
  if (args.sub === 'review') {
    const proposals = library.proposals(args.scope ? [args.scope] : undefined);
    emit(proposals.map(proposalView), () =>
      proposals.length === 0
        ? ['nothing to review']
        : proposals.flatMap((p) => [
            color.bold(
              `${p.skill.name} v${p.version.version} (${p.skill.scope}) ${p.skill.state === 'proposed' ? 'new skill' : `proposed change; v${p.skill.version} in use`}`,
            ),
            `  by ${p.version.author}; tools: ${p.version.tools.join(', ') || 'none'}`,
            `  check: ${p.version.checkResult || '(none)'}`,
            ...(p.version.task ? [`  task: ${p.version.task.replace(/\s+/g, ' ').slice(0, 200)}`] : []),
            ...p.version.code
              .trimEnd()
              .split('\n')
              .map((line) => `  | ${line}`),
            ...(p.shadowsGlobal
              ? [
                  '  takes the name of a global skill and would hide it in its server: approve only as an override',
                ]
              : []),
            `  toolsmith skills approve ${p.skill.name} --scope ${p.skill.scope} --version ${p.version.version}${p.shadowsGlobal ? ' --override' : ''}`,
            '',
          ]),
    );
    return 0;
  }
  const name = args.name ?? '';
  const scope = scopeOf(library, name, args.scope);
  switch (args.sub) {
    case 'approve': {
      const skill = await library.approve(name, scope, actor, {
        ...(args.version ? { version: args.version } : {}),
        ...(args.override ? { override: true } : {}),
      });
      emit({ approved: skill.name, scope, version: skill.version }, () => [
        `approved ${skill.name} v${skill.version} in scope ${scope}`,
      ]);
      return 0;
    }
    case 'reject': {
      const skill = await library.reject(name, scope, actor, args.version ? { version: args.version } : {});
      emit({ rejected: skill.name, scope, version: args.version ?? null }, () => [
        `rejected ${args.version ? `v${args.version} of ` : ''}${skill.name} in scope ${scope}`,
      ]);
      return 0;
    }
    case 'history': {
      const versions = library.history(name, scope);
      emit(versions, () => versions.map(versionLine));
      return 0;
    }
    case 'diff': {
      const [from, to] = args.rest;
      const text = library.diff(name, scope, versionNumber(from, 'V1'), versionNumber(to, 'V2'));
      emit({ diff: text }, () => text.split('\n'));
      return 0;
    }
    default: {
      const skill = await library.revert(name, scope, versionNumber(args.rest[0], 'VN'), actor);
      emit({ reverted: skill.name, scope, version: skill.version }, () => [
        `${skill.name} is back to the code of v${args.rest[0]?.replace(/^v/, '')}, as v${skill.version}`,
      ]);
      return 0;
    }
  }
}

/** Version numbers from --version. */
export function parseVersionOption(text: string | undefined): number | undefined {
  return text === undefined ? undefined : versionNumber(text, '--version');
}

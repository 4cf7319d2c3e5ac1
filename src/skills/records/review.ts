/**
 * Review and history: approve or reject a proposed skill or version, revert to an older version,
 * list versions and diff them, remove a skill, and vote. Every change is a new version or a state
 * change with who made it; permission checks are trust.ts's.
 */
import { UsageError } from '../../errors.ts';
import type { SkillVersionRecord } from '../../store/skill-records.ts';
import { GLOBAL_SCOPE } from '../skill-name.ts';
import type { Proposal, Skill, SkillActor, VoteInput } from '../types.ts';
import { inspectSkillCode } from './check-draft.ts';
import type { LibraryCore, Locked } from './library-core.ts';
import { assertReviewer, canRemove } from './trust.ts';

/** The version a review acts on: the one asked for, else the newest proposed one, else the skill itself. */
function pendingVersion(core: LibraryCore, skill: Skill, version?: number): SkillVersionRecord {
  const versions = core.repo.versions(skill.id);
  const found =
    version === undefined
      ? (versions.filter((v) => v.state === 'proposed').at(-1) ??
        versions.find((v) => v.version === skill.version))
      : versions.find((v) => v.version === version);
  if (!found) throw new UsageError(`${skill.name} has no version ${version ?? skill.version}`);
  return found;
}

export async function approve(
  core: LibraryCore,
  skill: Skill,
  actor: SkillActor,
  options: { version?: number; override?: boolean },
): Promise<Locked<Skill>> {
  assertReviewer(actor, skill.scope, 'approve');
  const { repo } = core;
  const version = pendingVersion(core, skill, options.version);
  const problems = inspectSkillCode(version.code, skill.identifier).problems;
  if (problems.length > 0)
    throw new UsageError(`${skill.name} v${version.version} fails its checks: ${problems.join('; ')}`);
  const takesGlobalName =
    skill.scope !== GLOBAL_SCOPE && repo.getByName(GLOBAL_SCOPE, skill.name) !== undefined;
  if (takesGlobalName && !options.override && !skill.overrides) {
    throw new UsageError(`${skill.name} has the name of a global skill, which it would hide in this server`, {
      fix: 'Approve it as an override (--override, or the Approve as override button), or reject it',
    });
  }
  if (takesGlobalName) repo.setOverrides(skill.id, true);
  repo.approveVersion(skill.id, version.version, actor.id);
  const approved = core.skill(repo.setState(skill.id, 'approved', actor.id));
  return { value: approved, written: (await core.reindexOne(approved)).written };
}

export function reject(core: LibraryCore, skill: Skill, actor: SkillActor, version?: number): Skill {
  assertReviewer(actor, skill.scope, 'reject');
  const target = pendingVersion(core, skill, version);
  if (target.version === skill.version) {
    if (skill.state !== 'proposed') {
      throw new UsageError(`${skill.name} v${skill.version} is in use, not a proposal`, {
        fix: 'Revert to an older version, or remove the skill',
      });
    }
    core.repo.setVersionState(skill.id, target.version, 'rejected', actor.id);
    return core.skill(core.repo.setState(skill.id, 'rejected', actor.id));
  }
  core.repo.setVersionState(skill.id, target.version, 'rejected', actor.id);
  return core.byId(skill.id) ?? skill;
}

export async function revert(
  core: LibraryCore,
  skill: Skill,
  version: number,
  actor: SkillActor,
): Promise<Locked<Skill>> {
  assertReviewer(actor, skill.scope, 'revert');
  const old = core.repo.getVersion(skill.id, version);
  if (!old)
    throw new UsageError(`${skill.name} has no version ${version}`, {
      fix: `See \`toolsmith skills history ${skill.name}\``,
    });
  const problems = inspectSkillCode(old.code, skill.identifier).problems;
  if (problems.length > 0)
    throw new UsageError(`${skill.name} v${version} fails today's checks: ${problems.join('; ')}`);
  core.repo.addVersion(
    skill.id,
    {
      description: old.description,
      signature: old.signature,
      code: old.code,
      ...(old.example ? { example: old.example } : {}),
      tools: old.tools,
      hash: old.hash,
    },
    { author: actor.id, task: old.task, checkResult: old.checkResult, note: `revert to v${version}` },
    'approved',
  );
  const reverted = core.byId(skill.id) ?? skill;
  return { value: reverted, written: (await core.reindexOne(reverted)).written };
}

/** Remove a skill; a seed is disabled instead (and stays disabled across restarts). */
export function remove(core: LibraryCore, skill: Skill, actor: SkillActor): Locked<boolean> {
  if (!canRemove(actor, skill)) {
    throw new UsageError(
      skill.scope === GLOBAL_SCOPE
        ? 'only an operator can remove a global skill'
        : 'only the author of a skill or a reviewer of this server can remove it',
    );
  }
  if (skill.source === 'seed') {
    core.repo.setState(skill.id, 'disabled', actor.id);
    return { value: true };
  }
  core.repo.delete(skill.id);
  const written = core.index.delete([String(skill.id)]);
  written.catch(() => undefined);
  return { value: true, written };
}

export function proposals(core: LibraryCore, scopes?: readonly string[]): Proposal[] {
  const out: Proposal[] = [];
  const shadows = (skill: Skill) =>
    skill.scope !== GLOBAL_SCOPE &&
    !skill.overrides &&
    core.repo.getByName(GLOBAL_SCOPE, skill.name) !== undefined;
  for (const record of core.repo.list(scopes)) {
    if (record.state !== 'proposed') continue;
    const skill = core.skill(record);
    const version = core.repo.getVersion(skill.id, skill.version);
    if (version) out.push({ skill, version, shadowsGlobal: shadows(skill) });
  }
  for (const version of core.repo.proposedVersions(scopes)) {
    const skill = core.byId(version.skillId);
    if (skill) out.push({ skill, version, shadowsGlobal: shadows(skill) });
  }
  return out;
}

/** A unified diff of two texts, line by line (LCS), with `label` headers. */
export function lineDiff(a: string, b: string, labels: [string, string]): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        x[i] === y[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      out.push(`+ ${y[j]}`);
      j++;
    } else {
      out.push(`- ${x[i]}`);
      i++;
    }
  }
  return out.join('\n');
}

export function diff(core: LibraryCore, skill: Skill, from: number, to: number): string {
  const a = core.repo.getVersion(skill.id, from);
  const b = core.repo.getVersion(skill.id, to);
  if (!a || !b) throw new UsageError(`${skill.name} has no version ${a ? to : from}`);
  const text = (v: SkillVersionRecord) =>
    [
      `// ${v.description}`,
      `// ${v.signature}`,
      `// tools: ${v.tools.join(', ') || 'none'}`,
      v.code.trimEnd(),
    ].join('\n');
  return lineDiff(text(a), text(b), [
    `${skill.name} v${from} (${a.author})`,
    `${skill.name} v${to} (${b.author})`,
  ]);
}

export function vote(core: LibraryCore, input: VoteInput, skill: Skill): Skill {
  if (!input.answerId.trim() || !input.memberId.trim())
    throw new UsageError('a vote needs an answer and a member');
  core.repo.vote({
    answerId: input.answerId,
    memberId: input.memberId,
    skillId: skill.id,
    delta: input.delta,
  });
  return core.byId(skill.id) ?? skill;
}

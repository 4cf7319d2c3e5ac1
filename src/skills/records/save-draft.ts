/**
 * Saving a draft: what becomes a new skill, a new version in use, a proposed version, or nothing.
 * Nothing is edited in place, and nobody takes over another member's skill: a learned change to a
 * skill that is shared (or someone else's) is a proposed version for a reviewer, never a silent
 * update. A server skill with the name of a global one waits as a proposal until a reviewer
 * approves it as an override.
 */
import type { SkillContent, VersionOrigin } from '../../store/skill-records.ts';
import { codeHash, GLOBAL_SCOPE, toIdentifier } from '../skill-name.ts';
import type { SaveResult, Skill, SkillActor, SkillDraft } from '../types.ts';
import { assertDraft, inspectSkillCode } from './check-draft.ts';
import type { Embedded, LibraryCore, Locked } from './library-core.ts';
import { skillEmbeddingText } from './skill-text.ts';
import { canReview } from './trust.ts';

export interface SaveSettings {
  /** Similarity above which a learned draft is a version of the nearest skill (default 0.92). */
  dedupeThreshold: number;
  /** Share learned skills that call no tools, and passed their check, without review. */
  sharePure: boolean;
}

/** A description is one paragraph of plain text. */
const paragraph = (text: string) => text.replace(/\s+/g, ' ').trim();

const contentOf = (draft: SkillDraft, tools: string[]): SkillContent => ({
  description: paragraph(draft.description),
  signature: draft.signature,
  code: draft.code,
  ...(draft.example ? { example: draft.example } : {}),
  tools,
  hash: codeHash(draft.code),
});

const originOf = (draft: SkillDraft): VersionOrigin => ({
  author: draft.author,
  task: draft.task,
  checkResult: draft.checkResult ?? (draft.source === 'learned' ? 'not checked' : ''),
  note: draft.source === 'imported' ? 'import' : draft.source,
});

const sameContent = (skill: SkillContent, content: SkillContent) =>
  skill.hash === content.hash &&
  skill.description === content.description &&
  skill.signature === content.signature &&
  (skill.example ?? '') === (content.example ?? '');

/** Does `skill` hold `draft`'s content already (code, description, signature, example)? */
export const holdsDraft = (skill: SkillContent, draft: SkillDraft): boolean =>
  sameContent(skill, contentOf(draft, []));

/** Does the check result say the example ran and matched? */
const passed = (checkResult: string | undefined) => (checkResult ?? '').startsWith('passed');

/** What the save is about to write: the draft (maybe renamed), its tools, and the skill it versions. */
interface SavePlan {
  draft: SkillDraft;
  tools: string[];
  target: Skill | undefined;
  /** The draft's text already embedded (learned drafts), reused for its index entry. */
  embedded?: Embedded;
}

/** What every step of a save knows. */
interface SaveContext {
  core: LibraryCore;
  input: SkillDraft;
  settings: SaveSettings;
  learned: boolean;
  mayApprove: boolean;
  /** The skill that has the draft's name in its scope, if any. */
  byName: Skill | undefined;
}

/** Save `input` as `actor` under the library lock. */
export async function saveDraft(
  core: LibraryCore,
  input: SkillDraft,
  actor: SkillActor,
  settings: SaveSettings,
): Promise<Locked<SaveResult>> {
  assertDraft(input);
  const learned = input.source === 'learned';
  const byName = core.named(input.name, [input.scope])[0];
  const context: SaveContext = {
    core,
    input,
    settings,
    learned,
    mayApprove: input.source === 'seed' || (!learned && canReview(actor, input.scope)),
    byName,
  };
  const tools = inspectSkillCode(input.code, toIdentifier(input.name)).tools;
  // A learned draft is a version only of a near-duplicate; a different skill with a taken name is renamed.
  const plan = learned ? await matchNearest(context, tools) : { draft: input, tools, target: byName };
  if ('value' in plan) return plan;
  if (plan.target && plan.target.name === plan.draft.name) return saveVersion(context, plan, plan.target);
  return insertSkill(context, plan);
}

/** A learned draft: unchanged if its code is known, else a version of a near-duplicate, else new. */
async function matchNearest(context: SaveContext, tools: string[]): Promise<SavePlan | Locked<SaveResult>> {
  const { core, input: draft } = context;
  const sameCode = core.byId(core.repo.findByHash([draft.scope], codeHash(draft.code))[0]?.id ?? -1);
  if (sameCode) return { value: { skill: sameCode, outcome: 'unchanged' } };
  const embedded = await core.embedOne(skillEmbeddingText(draft), 'document');
  const [near] = await core.nearestTo(embedded.vector, [draft.scope], 1);
  if (near && near.similarity >= context.settings.dedupeThreshold) {
    // Keep the existing name (callers use it): rename the new code's function to it.
    const renamed = near.skill.name === draft.name ? draft : renameFunction(draft, near.skill.identifier);
    if (renamed)
      return {
        draft: { ...renamed, name: near.skill.name },
        target: near.skill,
        tools: inspectSkillCode(renamed.code, near.skill.identifier).tools,
        embedded,
      };
  }
  return { draft, tools, target: undefined, embedded };
}

/** A new version of `target`: in use, proposed for review, or nothing when the content is the same. */
async function saveVersion(context: SaveContext, plan: SavePlan, target: Skill): Promise<Locked<SaveResult>> {
  const { core } = context;
  const { draft } = plan;
  const content = contentOf(draft, plan.tools);
  const origin = originOf(draft);
  if (sameContent(target, content)) return { value: { skill: target, outcome: 'unchanged' } };
  if (target.source === 'seed' && draft.source === 'seed' && target.state === 'disabled')
    return { value: { skill: target, outcome: 'unchanged' } };
  if (target.source === 'seed' && draft.source !== 'seed') {
    // A shipped seed is changed only by a newer Toolsmith (or an operator's approval of a proposal).
    const version = core.repo.addVersion(target.id, content, origin, 'proposed');
    return { value: { skill: target, outcome: 'proposed', version: version.version } };
  }
  const ownProposal = context.learned && target.state === 'proposed' && target.author === draft.author;
  if (context.mayApprove || ownProposal) {
    const version = core.repo.addVersion(target.id, content, origin, 'approved');
    const updated = core.byId(target.id) ?? target;
    return {
      value: { skill: updated, outcome: 'updated', version: version.version },
      written: (await core.reindexOne(updated, plan.embedded)).written,
    };
  }
  const version = core.repo.addVersion(target.id, content, origin, 'proposed');
  return { value: { skill: target, outcome: 'proposed', version: version.version } };
}

/** A new skill (renamed when its name is taken), shared or proposed. */
async function insertSkill(context: SaveContext, plan: SavePlan): Promise<Locked<SaveResult>> {
  const { core, input, learned, settings } = context;
  const { repo } = core;
  const { tools } = plan;
  let { draft } = plan;
  let name = draft.name;
  for (let n = 2; repo.getByName(draft.scope, name); n++) name = `${draft.name.slice(0, 60)}-v${n}`;
  if (name !== draft.name) {
    const renamed = renameFunction(draft, toIdentifier(name));
    if (!renamed)
      return {
        value: { skill: context.byName ?? core.mustFind(draft.name, draft.scope), outcome: 'unchanged' },
      };
    draft = { ...renamed, name };
  }
  const takesGlobalName =
    draft.scope !== GLOBAL_SCOPE && repo.getByName(GLOBAL_SCOPE, draft.name) !== undefined;
  const shared =
    context.mayApprove || (learned && settings.sharePure && tools.length === 0 && passed(draft.checkResult));
  const record = repo.insert({
    ...contentOf(draft, tools),
    ...originOf(draft),
    scope: draft.scope,
    name: draft.name,
    source: draft.source,
    state: shared && !takesGlobalName ? 'approved' : 'proposed',
  });
  if (takesGlobalName) {
    core.log(
      'info',
      `skill ${draft.name} in scope ${draft.scope} takes the name of a global skill: it waits for a reviewer to approve it as an override`,
    );
  }
  const skill = core.skill(record);
  return {
    value: { skill, outcome: 'added', version: 1 },
    written: (await core.reindexOne(skill, draft.name === input.name ? plan.embedded : undefined)).written,
  };
}

/** The draft with its function (and every use of its identifier) renamed, or undefined if that fails. */
export function renameFunction(draft: SkillDraft, identifier: string): SkillDraft | undefined {
  const from = toIdentifier(draft.name);
  const pattern = new RegExp(`\\b${from}\\b`, 'g');
  const rename = (text: string) => text.replace(pattern, identifier);
  const code = rename(draft.code);
  if (inspectSkillCode(code, identifier).problems.length > 0) return undefined;
  return {
    ...draft,
    code,
    signature: rename(draft.signature),
    ...(draft.example ? { example: rename(draft.example) } : {}),
  };
}

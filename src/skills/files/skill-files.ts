/**
 * Export and import in the Agent Skills layout: one folder per skill with a SKILL.md (front matter
 * `name` and `description`, Toolsmith's own fields under `metadata`) and the code in
 * `scripts/<name>.js`, so a team can review skills in git or use them from Claude Code.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, UsageError } from '../../errors.ts';
import { draftProblems } from '../records/check-draft.ts';
import { provenance } from '../records/skill-text.ts';
import { toIdentifier } from '../skill-name.ts';
import type { Skill, SkillDraft } from '../types.ts';
import { formatFrontMatter, parseFrontMatter } from './front-matter.ts';

const fence = (lang: string, text: string) => `\`\`\`${lang}\n${text.trim()}\n\`\`\``;

/** The SKILL.md of a skill. */
export function skillMarkdown(skill: Skill): string {
  const metadata: Record<string, string> = {
    'toolsmith-signature': skill.signature,
    'toolsmith-scope': skill.scope,
    'toolsmith-source': skill.source,
    'toolsmith-author': skill.author,
    'toolsmith-version': String(skill.version),
    'toolsmith-hash': skill.hash,
    ...(skill.example ? { 'toolsmith-example': skill.example } : {}),
    ...(skill.task ? { 'toolsmith-task': skill.task } : {}),
  };
  const parts = [
    formatFrontMatter({ name: skill.name, description: skill.description }, metadata),
    `# ${skill.name}\n`,
    `${skill.description}\n`,
    '## Use\n',
    `In Toolsmith's sandbox: \`await skills.${skill.identifier}(...)\`. Elsewhere, load the function from [\`scripts/${skill.name}.js\`](scripts/${skill.name}.js): plain JavaScript, no imports.\n`,
    fence('ts', skill.signature),
    ...(skill.example ? ['\nExample:\n', fence('js', skill.example)] : []),
    '\n## Origin\n',
    `${provenance(skill)[0]?.toUpperCase()}${provenance(skill).slice(1)}.`,
    ...(skill.task
      ? [
          '\n\nThe task it came from:\n',
          skill.task
            .split('\n')
            .map((line) => `> ${line}`)
            .join('\n'),
        ]
      : []),
  ];
  return `${parts.join('\n')}\n`;
}

/** Write one folder per skill into `dir`. Returns the folders written. */
export async function exportSkills(skills: readonly Skill[], dir: string): Promise<string[]> {
  const names = new Map<string, string>();
  for (const skill of skills) {
    const other = names.get(skill.name);
    if (other !== undefined) {
      throw new UsageError(`two skills are named ${skill.name} (scopes ${other} and ${skill.scope})`, {
        fix: 'Export one scope at a time with --scope',
      });
    }
    names.set(skill.name, skill.scope);
  }
  const written: string[] = [];
  for (const skill of skills) {
    const folder = path.join(dir, skill.name);
    await mkdir(path.join(folder, 'scripts'), { recursive: true });
    await writeFile(path.join(folder, 'SKILL.md'), skillMarkdown(skill));
    await writeFile(path.join(folder, 'scripts', `${skill.name}.js`), `${skill.code.trim()}\n`);
    written.push(folder);
  }
  return written;
}

/** `name(a, b = 1)` from the first function declaration of `code`. */
function signatureFromCode(code: string, identifier: string): string | undefined {
  const match = new RegExp(`function\\s*\\*?\\s*${identifier}\\s*\\(([^)]*)\\)`).exec(code);
  return match ? `${identifier}(${(match[1] ?? '').replace(/\s+/g, ' ').trim()})` : undefined;
}

async function readSkillDir(
  folder: string,
  defaults: { scope: string; author: string },
): Promise<SkillDraft> {
  const where = path.basename(folder);
  const { fields, metadata } = parseFrontMatter(
    await readFile(path.join(folder, 'SKILL.md'), 'utf8'),
    `${where}/SKILL.md`,
  );
  const name = fields.name ?? '';
  if (!name) throw new Error(`${where}/SKILL.md: the front matter has no name`);
  if (name !== where) throw new Error(`${where}/SKILL.md: the name ${name} must match its folder name`);
  const scripts = await readdir(path.join(folder, 'scripts')).catch(() => [] as string[]);
  const codeFile = scripts.includes(`${name}.js`)
    ? `${name}.js`
    : scripts.filter((file) => /\.(m?js)$/.test(file)).length === 1
      ? scripts.find((file) => /\.(m?js)$/.test(file))
      : undefined;
  if (!codeFile) throw new Error(`${where}: no code file (expected scripts/${name}.js)`);
  const code = await readFile(path.join(folder, 'scripts', codeFile), 'utf8');
  const identifier = toIdentifier(name);
  const example = metadata['toolsmith-example'];
  return {
    name,
    description: (fields.description ?? '').trim(),
    signature: metadata['toolsmith-signature'] ?? signatureFromCode(code, identifier) ?? `${identifier}(...)`,
    code: `${code.trim()}\n`,
    task: metadata['toolsmith-task'] ?? '',
    ...(example ? { example } : {}),
    scope: defaults.scope,
    author: metadata['toolsmith-author'] ?? defaults.author,
    source: 'imported',
  };
}

/**
 * Read every skill folder in `dir` (or `dir` itself when it holds a SKILL.md). All or nothing:
 * a UsageError lists every bad folder, and then no draft is returned.
 */
export async function readSkillFolders(
  dir: string,
  defaults: { scope: string; author: string },
): Promise<SkillDraft[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const hasSkill = async (folder: string) =>
    (await stat(path.join(folder, 'SKILL.md')).catch(() => undefined))?.isFile() ?? false;
  const folders = (await hasSkill(dir))
    ? [dir]
    : (await readdir(dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map((entry) => path.join(dir, entry.name))
        .sort();
  const drafts: SkillDraft[] = [];
  const problems: string[] = [];
  for (const folder of folders) {
    if (!(await hasSkill(folder))) continue;
    try {
      const draft = await readSkillDir(folder, defaults);
      const issues = draftProblems(draft);
      if (issues.length > 0) problems.push(`${path.basename(folder)}: ${issues.join('; ')}`);
      else drafts.push(draft);
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`cannot import from ${dir}: ${problems.join(' | ')}`, {
      fix: 'Fix those folders and import again; nothing was imported',
    });
  }
  if (drafts.length === 0) throw new UsageError(`no skill folders (with a SKILL.md) in ${dir}`);
  return drafts;
}

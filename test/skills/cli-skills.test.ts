import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSkills } from '../../src/cli/commands/skills.ts';
import { loadConfig } from '../../src/config.ts';
import { UsageError } from '../../src/errors.ts';
import { parseFrontMatter } from '../../src/skills/files/front-matter.ts';
import { openSkillLibraryFromConfig } from '../../src/skills/open-from-config.ts';
import { openStore } from '../../src/store/open-store.ts';
import { draft } from './library-helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-cli-skills-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  return cliWith({}, ...argv);
}

async function cliWith(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSkills(argv, loadConfig({ DATA_DIR: path.join(dir, 'data'), ...env }), {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function seedGuildSkill() {
  const config = loadConfig({ DATA_DIR: path.join(dir, 'data') });
  const store = openStore({ dataDir: config.dataDir });
  const library = await openSkillLibraryFromConfig({ config, store });
  await library.save(draft());
  await library.close();
  store.close();
}

describe('toolsmith skills', () => {
  it('list shows the seeds and learned skills, as a table or JSON, filtered by --scope', async () => {
    await seedGuildSkill();
    const all = await cli('list');
    expect(all.out).toMatch(/^NAME\s+SCOPE\s+SOURCE/);
    expect(all.out).toMatch(/parse-csv\s+global\s+seed/);
    expect(all.out).toMatch(/sum-by-group\s+guild-1\s+learned/);
    const json = JSON.parse((await cli('list', '--scope', 'guild-1', '--json')).out);
    expect(json).toEqual([expect.objectContaining({ name: 'sum-by-group', scope: 'guild-1', version: 1 })]);
  });

  it('search ranks by meaning; show prints the code', async () => {
    await seedGuildSkill();
    const hits = JSON.parse(
      (await cli('search', 'add up the amounts per category', '--scope', 'guild-1', '--json')).out,
    );
    expect(hits[0]).toMatchObject({ name: 'sum-by-group' });
    expect(hits[0].similarity).toBeGreaterThan(0.25);
    const shown = await cli('show', 'sum-by-group');
    expect(shown.out).toContain('call:      await skills.sumByGroup(...)');
    expect(shown.out).toContain('function sumByGroup(rows, key, field)');
    expect(JSON.parse((await cli('show', 'parse-csv', '--json')).out)).toMatchObject({
      scope: 'global',
      code: expect.stringContaining('function parseCsv'),
    });
  });

  it('export writes the Agent Skills layout and import reads it back into another scope', async () => {
    await seedGuildSkill();
    const out = path.join(dir, 'export');
    expect((await cli('export', out, '--scope', 'guild-1')).out).toBe(`exported 1 skills to ${out}`);
    const md = readFileSync(path.join(out, 'sum-by-group', 'SKILL.md'), 'utf8');
    const { fields, metadata, body } = parseFrontMatter(md);
    expect(fields).toEqual({ name: 'sum-by-group', description: draft().description });
    expect(metadata).toMatchObject({
      'toolsmith-signature': draft().signature,
      'toolsmith-scope': 'guild-1',
      'toolsmith-task': draft().task,
    });
    expect(body).toContain('await skills.sumByGroup(...)');
    expect(readFileSync(path.join(out, 'sum-by-group', 'scripts', 'sum-by-group.js'), 'utf8')).toBe(
      `${draft().code}\n`,
    );

    const imported = JSON.parse((await cli('import', out, '--scope', 'guild-7', '--json')).out);
    expect(imported).toEqual([{ name: 'sum-by-group', scope: 'guild-7', outcome: 'added', version: 1 }]);
    expect(JSON.parse((await cli('show', 'sum-by-group', '--scope', 'guild-7', '--json')).out)).toMatchObject(
      { source: 'imported', author: 'ana', task: draft().task },
    );
    // Importing the same folder again changes nothing.
    expect((await cli('import', out, '--scope', 'guild-7')).out).toBe(
      'imported into scope guild-7: 0 added, 0 updated, 1 unchanged',
    );
  });

  it('import reads a hand-written Claude Code skill (bare description, no metadata)', async () => {
    const folder = path.join(dir, 'in', 'slug-title');
    mkdirSync(path.join(folder, 'scripts'), { recursive: true });
    writeFileSync(
      path.join(folder, 'SKILL.md'),
      '---\nname: slug-title\ndescription: >\n  Make a URL slug\n  from a title.\n---\n# Slug\n',
    );
    writeFileSync(
      path.join(folder, 'scripts', 'slug.js'),
      "function slugTitle(title) {\n  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n",
    );
    await cli('import', path.join(dir, 'in'));
    const shown = JSON.parse((await cli('show', 'slug-title', '--json')).out);
    expect(shown).toMatchObject({
      scope: 'local',
      description: 'Make a URL slug from a title.',
      signature: 'slugTitle(title)',
      author: 'import',
    });
  });

  it('import of a folder with any bad skill imports nothing and names every problem', async () => {
    const root = path.join(dir, 'in');
    const write = (name: string, md: string, code?: string) => {
      mkdirSync(path.join(root, name, 'scripts'), { recursive: true });
      writeFileSync(path.join(root, name, 'SKILL.md'), md);
      if (code) writeFileSync(path.join(root, name, 'scripts', `${name}.js`), code);
    };
    write('good-one', '---\nname: good-one\ndescription: Fine.\n---\n', 'function goodOne() { return 1; }');
    write('no-code', '---\nname: no-code\ndescription: Missing its script.\n---\n');
    write(
      'wrong-name',
      '---\nname: other-name\ndescription: Folder mismatch.\n---\n',
      'function otherName() {}',
    );
    write('no-front', '# just markdown\n', 'function noFront() {}');
    write('bad-code', '---\nname: bad-code\ndescription: Does not parse.\n---\n', 'function badCode( {');
    const error = await cli('import', root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const message = String(error);
    expect(message).toMatch(/bad-code: the code does not compile/);
    expect(message).toMatch(/no-code: no code file \(expected scripts\/no-code\.js\)/);
    expect(message).toMatch(/no-front\/SKILL\.md: must start with front matter/);
    expect(message).toMatch(/wrong-name\/SKILL\.md: the name other-name must match its folder name/);
    expect(message).toMatch(/nothing was imported/);
    expect(JSON.parse((await cli('list', '--scope', 'local', '--json')).out)).toEqual([]);
  });

  it('delete needs an unambiguous name; bad arguments are usage errors', async () => {
    await seedGuildSkill();
    const config = loadConfig({ DATA_DIR: path.join(dir, 'data') });
    const store = openStore({ dataDir: config.dataDir });
    const library = await openSkillLibraryFromConfig({ config, store });
    await library.save(draft({ scope: 'guild-2' }));
    await library.close();
    store.close();
    await expect(cli('delete', 'sum-by-group')).rejects.toThrow(/exists in scopes guild-1, guild-2.*--scope/);
    await expect(cli('export', path.join(dir, 'x'))).rejects.toThrow(
      /two skills are named sum-by-group .*Export one scope at a time/,
    );
    expect((await cli('delete', 'sum-by-group', '--scope', 'guild-2')).out).toBe(
      'deleted sum-by-group from scope guild-2',
    );
    await expect(cli('show', 'sum-by-group', '--scope', 'guild-2')).rejects.toThrow(
      /no skill named sum-by-group in scope guild-2/,
    );
    await expect(cli('frobnicate')).rejects.toThrow(/usage: toolsmith skills list/);
    await expect(cli('search')).rejects.toThrow(/needs a TEXT/);
    await expect(cli('search', 'two', 'words')).rejects.toThrow(/unexpected argument "words"/);
    await expect(cli('list', '--scope', 'bad scope')).rejects.toThrow(/is not a scope/);
    await expect(cli('search', 'x', '--limit', '0')).rejects.toThrow(/--limit/);
  });

  it('reindex rebuilds after the index was deleted or the embedder changed', async () => {
    await seedGuildSkill();
    rmSync(path.join(dir, 'data', 'skills-index'), { recursive: true });
    const result = JSON.parse((await cli('reindex', '--json')).out);
    expect(result).toMatchObject({ provider: 'local', model: 'toolsmith-hash-v1', dimensions: 512 });
    expect(result.reindexed).toBeGreaterThanOrEqual(9);
    expect(existsSync(path.join(dir, 'data', 'skills-index', 'index.json'))).toBe(true);

    const smaller = { EMBEDDINGS_DIMENSIONS: '256' };
    await expect(cliWith(smaller, 'list')).rejects.toThrow(
      /built with local\/toolsmith-hash-v1 \(512 dimensions\).*\(256 dimensions\).*toolsmith skills reindex/,
    );
    expect(JSON.parse((await cliWith(smaller, 'reindex', '--json')).out)).toMatchObject({
      dimensions: 256,
      reindexed: result.reindexed,
    });
    const hits = JSON.parse(
      (await cliWith(smaller, 'search', 'add up the amounts per category', '--scope', 'guild-1', '--json'))
        .out,
    );
    expect(hits[0]).toMatchObject({ name: 'sum-by-group' });
  });

  it('runs as a real command: toolsmith skills list --json', async () => {
    await seedGuildSkill();
    const { stdout } = await promisify(execFile)(
      path.join(ROOT, 'node_modules/.bin/node'),
      [
        '--no-node-snapshot',
        '--no-warnings',
        path.join(ROOT, 'src/cli/main.ts'),
        'skills',
        'list',
        '--scope',
        'guild-1',
        '--json',
      ],
      { env: { ...process.env, DATA_DIR: path.join(dir, 'data') }, cwd: ROOT },
    );
    expect(JSON.parse(stdout).map((skill: { name: string }) => skill.name)).toEqual(['sum-by-group']);
  });
});

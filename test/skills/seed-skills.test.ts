import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import { looselyEqual } from '../../src/skills/distillation/loosely-equal.ts';
import { loadSeedFiles, parseSeedFile } from '../../src/skills/files/seed-skills.ts';
import { toIdentifier } from '../../src/skills/skill-name.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../seed-skills');

describe('seed skills shipped in skills/', async () => {
  const { seeds, problems } = await loadSeedFiles(SEEDS);

  it('all parse, with the ones the issue asks for', () => {
    expect(problems).toEqual([]);
    const names = seeds.map((seed) => seed.draft.name);
    for (const wanted of ['parse-csv', 'clean-number', 'group-aggregate', 'format-table'])
      expect(names).toContain(wanted);
    expect(seeds.length).toBeGreaterThanOrEqual(8);
    for (const seed of seeds)
      expect(seed.draft).toMatchObject({ scope: 'global', source: 'seed', author: 'toolsmith' });
  });

  const sandbox = createSandbox({ limits: { timeoutMs: 2000, wallMs: 5000 } });
  afterAll(() => sandbox.dispose());

  it.each(seeds.map((seed) => [seed.draft.name, seed] as const))(
    '%s: its example returns what it says, in the sandbox',
    async (_, seed) => {
      const defined = await sandbox.run(`${seed.draft.code}\n;typeof ${toIdentifier(seed.draft.name)}`);
      expect(defined.error).toBeUndefined();
      expect(defined.data).toBe('function');
      const ran = await sandbox.run(seed.draft.example ?? '');
      expect(ran.error).toBeUndefined();
      expect(seed.expected).toBeDefined();
      expect(looselyEqual(ran.data, seed.expected), `${seed.draft.name} returned ${ran.value}`).toBe(true);
    },
  );
});

describe('seed file format errors', () => {
  const good = (name: string) =>
    `/**\n * @name ${name}\n * @description Does a thing.\n * @signature doThing(): number\n */\nfunction ${toIdentifier(name)}() { return 1; }\n`;

  it('parses a minimal file', () => {
    const { draft, expected } = parseSeedFile(good('do-thing'), 'do-thing.js');
    expect(draft).toMatchObject({
      name: 'do-thing',
      description: 'Does a thing.',
      signature: 'doThing(): number',
    });
    expect(draft.example).toBeUndefined();
    expect(expected).toBeUndefined();
  });

  it.each([
    ['no header', 'function doThing() {}', /must start with a \/\*\* \.\.\. \*\/ header/],
    ['missing tag', good('do-thing').replace(' * @signature doThing(): number\n', ''), /needs @signature/],
    ['unknown tag', good('do-thing').replace('@description', '@summary'), /unknown tag @summary/],
    ['file name', good('do-thing'), /must be named after @name \(do-thing\.js\)/, 'other.js'],
    ['bad name', good('Do_Thing'), /not a skill name/, 'Do_Thing.js'],
    [
      'wrong function',
      good('do-thing').replace('function doThing', 'function other'),
      /the function is named other, not doThing/,
    ],
    ['syntax error', good('do-thing').replace('return 1; }', 'return 1;'), /does not compile/],
    ['bad expected', good('do-thing').replace(' */', ' * @expected {nope\n */'), /@expected is not JSON/],
  ])('%s is a clear error', (_, text, message, file = 'do-thing.js') => {
    expect(() => parseSeedFile(text, file)).toThrow(message);
  });

  it('a bad file in a folder is reported and the good ones still load', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-seeds-'));
    try {
      writeFileSync(path.join(dir, 'do-thing.js'), good('do-thing'));
      writeFileSync(path.join(dir, 'broken.js'), 'nope');
      writeFileSync(path.join(dir, 'README.md'), '# not a seed');
      const { seeds, problems } = await loadSeedFiles(dir);
      expect(seeds.map((seed) => seed.draft.name)).toEqual(['do-thing']);
      expect(problems).toEqual([expect.stringMatching(/^broken\.js: must start with/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

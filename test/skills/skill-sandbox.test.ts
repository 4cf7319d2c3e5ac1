import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { createHarness, draft, type Harness } from './library-helpers.ts';

const SEEDS = path.resolve(import.meta.dirname, '../../seed-skills');
let h: Harness;
let sandbox: Sandbox | undefined;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  sandbox?.dispose();
  sandbox = undefined;
  await h.cleanup();
});

const risky = draft({
  name: 'risky-divide',
  description: 'Divide two numbers, refusing a zero divisor.',
  signature: 'riskyDivide(a: number, b: number): number',
  code: "function riskyDivide(a, b) {\n  if (b === 0) throw new RangeError('cannot divide by zero');\n  return a / b;\n}",
});

describe('skills called from sandboxed code', () => {
  it('defines a skill in the isolate on first use, calls it, and counts each call', async () => {
    const library = await h.open({ seedsDir: SEEDS });
    await library.save(risky);
    const uses: Array<[string, boolean]> = [];
    const api = library.sandboxApi({ scope: 'guild-1', author: 'ana' }, (name, ok) => uses.push([name, ok]));
    sandbox = createSandbox({ bindings: api.bindings, prelude: api.prelude });

    const rows = await sandbox.run(
      "const rows = await skills.parseCsv('region,amount\\nEU,\"$1,000\"\\nUS,250\\nEU,500');\nawait skills.groupAggregate(rows, 'region', 'amount')",
    );
    expect(rows.error).toBeUndefined();
    expect(rows.data).toEqual([
      { region: 'EU', count: 2, sum: 1500, mean: 750, min: 500, max: 1000 },
      { region: 'US', count: 1, sum: 250, mean: 250, min: 250, max: 250 },
    ]);
    expect(await sandbox.run('await skills.riskyDivide(6, 3)')).toMatchObject({ ok: true, data: 2 });

    const failed = await sandbox.run('await skills.riskyDivide(1, 0)');
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatchObject({ name: 'RangeError', message: 'cannot divide by zero' });

    expect(uses).toEqual([
      ['parse-csv', true],
      ['group-aggregate', true],
      ['risky-divide', true],
      ['risky-divide', false],
    ]);
    expect(library.get('risky-divide', ['guild-1'])).toMatchObject({ used: 2, succeeded: 1, failed: 1 });
    expect(library.get('parse-csv', ['global'])).toMatchObject({ used: 1, succeeded: 1, failed: 0 });
  });

  it('an unknown name throws with close matches, and counts nothing', async () => {
    const library = await h.open({ seedsDir: SEEDS });
    const api = library.sandboxApi({ scope: 'guild-1', author: 'ana' });
    sandbox = createSandbox({ bindings: api.bindings, prelude: api.prelude });
    const result = await sandbox.run('await skills.parseCvs("a,b")');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ name: 'ReferenceError' });
    expect(result.error?.message).toMatch(
      /skills\.parseCvs is not a skill in this library; did you mean skills\.parseCsv\?/,
    );
    expect(library.list().every((skill) => skill.used === 0)).toBe(true);
  });

  it('keeps scopes apart: another guild cannot call this guild skill', async () => {
    const library = await h.open();
    await library.save(risky);
    const api = library.sandboxApi({ scope: 'guild-2', author: 'bo' });
    sandbox = createSandbox({ bindings: api.bindings, prelude: api.prelude });
    const result = await sandbox.run('await skills.riskyDivide(4, 2)');
    expect(result.error?.message).toMatch(/skills\.riskyDivide is not a skill/);
  });

  it('survives re-binding and resets, is read-only, and is not a thenable', async () => {
    const library = await h.open();
    await library.save(risky);
    const api = library.sandboxApi({ scope: 'guild-1', author: 'ana' });
    sandbox = createSandbox({ bindings: api.bindings, prelude: api.prelude });
    expect(await sandbox.run('await skills.riskyDivide(9, 3)')).toMatchObject({ data: 3 });
    sandbox.bind({ ...api.bindings, 'tools.echo': (args) => args[0] });
    expect(await sandbox.run('await skills.riskyDivide(8, 2)')).toMatchObject({ data: 4 });
    await sandbox.reset();
    expect(await sandbox.run('await skills.riskyDivide(10, 5)')).toMatchObject({ data: 2 });
    const write = await sandbox.run('skills.riskyDivide = () => 0');
    expect(write.error?.message).toMatch(/skills is read-only/);
    expect(await sandbox.run('typeof skills.then')).toMatchObject({ data: 'undefined' });
  });

  it('a stored skill whose code does not define its function fails clearly when called', async () => {
    const library = await h.open();
    await library.save(risky);
    const api = library.sandboxApi({ scope: 'guild-1', author: 'ana' });
    // The store is the truth; simulate a record damaged outside the library.
    const broken = { ...api.bindings };
    broken['__skills.load'] = () => ({ identifier: 'riskyDivide', code: 'const nothing = 1;', version: 1 });
    sandbox = createSandbox({ bindings: broken, prelude: api.prelude });
    const result = await sandbox.run('await skills.riskyDivide(1, 1)');
    expect(result.error).toMatchObject({
      name: 'TypeError',
      message: 'skills.riskyDivide: its code does not define a function riskyDivide',
    });
    expect(library.get('risky-divide', ['guild-1'])).toMatchObject({ used: 1, failed: 1 });
  });
});

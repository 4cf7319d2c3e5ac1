import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compactSource } from '../../src/sandbox/compact-source.ts';

const run = (code: string): unknown => vm.runInNewContext(code);

describe('compactSource', () => {
  it('drops comments and indentation but keeps what the code means', () => {
    const code = `
      // drop me
      const a = 1 /* gone */ + 2;
      const s = '  // not a comment  ';
      const t = \`line one
        kept   as is \${a}\`;
      const r = /\\/\\/ +x/g.source;
      let n = 0
      const f = () => n
      ;[1, 2].forEach((x) => { n += x })
      const b = a
      ++n
      ;({ a, s, t, r, n, b, f: f() })
    `;
    const compact = compactSource(code);
    expect(compact).not.toContain('drop me');
    expect(compact).not.toContain('gone');
    expect(compact).toContain("'  // not a comment  '");
    expect(compact).toMatch(/^const a = 1 \+ 2;$/m);
    expect(compact).toContain('\n        kept   as is');
    expect(compact.length).toBeLessThan(code.length);
    expect(run(compact)).toEqual(run(code));
  });

  it('keeps a return on its own line apart from the value below it', () => {
    const code = 'function f() {\n  return\n  42\n}\nf()';
    expect(run(compactSource(code))).toBeUndefined();
  });
});

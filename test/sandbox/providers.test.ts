/**
 * The provider contract: runtime files are self-contained TypeScript turned into isolate code, and
 * the one copy of the close-name rules runs the same inside the isolate as on the host.
 */
import { execFile } from 'node:child_process';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { loadRuntimeModule, toRuntimeModule } from '../../src/sandbox/runtime-module.ts';
import { closeNames, normalizeName } from '../../src/text/close-names.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import { useSandboxes } from './helpers.ts';

const sandbox = useSandboxes();

describe('runtime files', () => {
  it('strip types and return the exports, keeping the code as written', () => {
    const module = toRuntimeModule(
      "import type { X } from './x.ts';\ninterface Y { a: number }\nexport function twice(n: number): number { return n * 2; }\nexport const three: number = 3;\nfunction hidden() {}\n",
      'sample.ts',
    );
    expect(module.exports).toEqual(['twice', 'three']);
    expect(module.filename).toBe('toolsmith:sample.ts');
    const exports = vm.runInNewContext(module.source) as { twice(n: number): number; three: number };
    expect([exports.twice(4), exports.three]).toEqual([8, 3]);
  });

  it('refuse code that would not be self-contained in the isolate', () => {
    expect(() => toRuntimeModule("import { x } from './x.ts';\nexport const y = x;", 'bad.ts')).toThrow(
      /bad.ts imports .\/x.ts: code that runs in the sandbox must be self-contained/,
    );
    expect(() => toRuntimeModule('export default function f() {}', 'bad.ts')).toThrow(UsageError);
    expect(() => toRuntimeModule("export * from './x.ts';", 'bad.ts')).toThrow(UsageError);
    expect(() => toRuntimeModule('export { a } from "./a.ts";', 'bad.ts')).toThrow(/re-exports/);
  });

  it('load the project runtime files (the kit and the tools prelude) as they are', () => {
    const kit = loadRuntimeModule(new URL('../../src/text/close-names.ts', import.meta.url));
    expect(kit.exports).toEqual(['editDistance', 'normalizeName', 'closeNames']);
    const tools = loadRuntimeModule(new URL('../../src/tools/tools-prelude.ts', import.meta.url));
    expect(tools.exports).toEqual(['prelude']);
  });
});

describe('the close-name rules inside the isolate', () => {
  it('suggest exactly what the host suggests (one Levenshtein for the whole project)', async () => {
    const servers = ['github', 'gitlab', 'workspace', 'web', 'postgres'];
    const hub = await createToolHub({ workspace: false });
    try {
      const provider = hub.provider({ workspaceDir: '/tmp' });
      const sb = sandbox({
        providers: [{ ...provider, prelude: { ...provider.prelude!, data: { servers, reasons: {} } } }],
      });
      for (const wanted of ['githib', 'git-hub', 'Work_Space', 'web2', 'zzz', 'post', 'gitl']) {
        const result = await sb.run(
          `let m; try { tools.${wanted.replace(/-/g, '_')}; } catch (e) { m = e.message; }\nm`,
        );
        const near = closeNames(wanted.replace(/-/g, '_'), servers, 3, normalizeName);
        const expected = `unknown tool server tools.${wanted.replace(/-/g, '_')}${near.length ? `; did you mean ${near.join(', ')}?` : ''} Servers: ${servers.join(', ')}`;
        expect(result.data).toBe(expected);
      }
    } finally {
      await hub.close();
    }
  });
});

describe('providers across runs', () => {
  it('give a prelude installed after other providers the kit, and hide prelude frames from stacks', async () => {
    const hub = await createToolHub({ workspace: false });
    try {
      const sb = sandbox({ providers: [{ namespace: 'plain', bindings: { ping: () => 'pong' } }] });
      expect((await sb.run('await plain.ping()')).data).toBe('pong');
      const tools = hub.provider({ workspaceDir: '/tmp' });
      const result = await sb.run('tools.wbe', { providers: [tools] });
      expect(result.error).toMatchObject({ name: 'ToolError', line: 1 });
      expect(result.error?.message).toMatch(/^unknown tool server tools.wbe; did you mean web\?/);
      expect(result.error?.stack).not.toMatch(/toolsmith:|eval/);
    } finally {
      await hub.close();
    }
  });
});

describe('names the code takes', () => {
  it('keep the code’s own value when it declared the name in the very first run', async () => {
    const sb = sandbox({ providers: [{ namespace: 'tools', bindings: { 'a.b': () => 1 } }] });
    const first = await sb.run('const tools = { mine: true };\ntools.mine');
    expect(first).toMatchObject({ ok: true, data: true });
    expect((await sb.run('tools.mine')).data).toBe(true);
  });
});

describe('a process that runs sandboxes', () => {
  it('prints no ExperimentalWarning for the type stripping of runtime files and TypeScript code', async () => {
    const sandboxModule = new URL('../../src/sandbox/create-sandbox.ts', import.meta.url).href;
    const prelude = new URL('./fixtures/test-prelude.ts', import.meta.url).href;
    const script = `
      import { createSandbox } from ${JSON.stringify(sandboxModule)};
      const sb = createSandbox({ providers: [{ namespace: 'extra', bindings: {}, prelude: { file: new URL(${JSON.stringify(prelude)}), data: { helper: 2 }, globals: ['helper'] } }] });
      const result = await sb.run('const n: number = 20;\\nn + helper()');
      sb.dispose();
      process.stdout.write(JSON.stringify(result.data));`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--no-node-snapshot', '--input-type=module', '-e', script],
        { timeout: 60_000 },
        (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })),
      );
    });
    expect(stdout).toBe('22');
    expect(stderr).toBe('');
  });
});

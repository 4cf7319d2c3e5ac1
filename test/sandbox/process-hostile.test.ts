/**
 * The parent never trusts a worker process: its isolates run hostile code, and a child that escaped
 * one could send anything. A message of the wrong shape, a call of a binding the run was not given,
 * a call for a run that has ended are refused (counted, logged, never served), and the parent goes
 * on. And a child holds no secret: its environment is only what the pool gives it.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ServiceError, UsageError } from '../../src/errors.ts';
import { createSandboxPool, workerEnvFrom } from '../../src/sandbox/process/sandbox-pool.ts';
import type { Sandbox, SandboxProvider } from '../../src/sandbox/types.ts';

const pools: { close(): Promise<void> }[] = [];
const made: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of made) sandbox.dispose();
  await Promise.all(pools.map((pool) => pool.close()));
});

describe('a hostile worker process', () => {
  it('its forged messages are refused and never served; the parent and the run go on', async () => {
    const lines: string[] = [];
    const pool = createSandboxPool({
      spare: 0,
      workerFile: new URL('./fixtures/process-hostile-worker.ts', import.meta.url),
      log: (line) => lines.push(line),
    });
    pools.push(pool);
    const counted: unknown[][] = [];
    const tools: SandboxProvider = {
      namespace: 'tools',
      bindings: {
        count: (args) => {
          counted.push(args);
          return counted.length;
        },
      },
    };
    const sb = pool.createSandbox({ providers: [tools] });
    made.push(sb);
    expect(await sb.run('await tools.count("first")')).toMatchObject({ ok: true, data: 1 });
    const hostile = await sb.run(
      '/* HOSTILE */ await new Promise((r) => setTimeout(r, 200)); await tools.count("second")',
    );
    expect(hostile).toMatchObject({ ok: true, data: 2 });
    // Only the code's own calls were served.
    expect(counted).toEqual([['first'], ['second']]);
    expect(pool.refused).toBe(9);
    const refusals = lines.filter((line) => line.endsWith('; refused'));
    expect(refusals).toHaveLength(9);
    expect(refusals.filter((line) => line.includes('of the wrong shape'))).toHaveLength(3);
    expect(refusals.some((line) => line.includes('"tools.secret.read", which run'))).toBe(true);
    expect(refusals.some((line) => line.includes('"constructor", which run'))).toBe(true);
    expect(refusals.some((line) => line.includes('"__proto__", which run'))).toBe(true);
    expect(refusals.filter((line) => line.includes('which is not running here'))).toHaveLength(2);
    expect(refusals.some((line) => line.includes('evaluation 777777, which nobody asked for'))).toBe(true);
    expect(await sb.run('await tools.count("third")')).toMatchObject({ ok: true, data: 3 });
  });
});

describe('a worker process that stops answering', () => {
  it('is killed past the run limits plus the grace; the run says why, the next one works', async () => {
    const pool = createSandboxPool({
      spare: 0,
      hangGraceMs: 500,
      workerFile: new URL('./fixtures/process-hostile-worker.ts', import.meta.url),
    });
    pools.push(pool);
    const sb = pool.createSandbox({ limits: { wallMs: 300, timeoutMs: 200 } });
    made.push(sb);
    await sb.run('const kept = 1');
    const [hung] = pool.status();
    const result = await sb.run('/* HANG */ 1');
    expect(result.error).toEqual({
      name: 'Error',
      message:
        'the sandbox process ended (it did not answer within 800 ms); variables from earlier runs are gone',
    });
    expect(await sb.run('typeof kept')).toMatchObject({ ok: true, data: 'undefined', stateReset: true });
    expect(pool.status().map((status) => status.pid)).not.toContain(hung?.pid);
  });
});

describe('a worker process that cannot start', () => {
  it('fails the run with a ServiceError that carries what the process said', async () => {
    const pool = createSandboxPool({
      spare: 0,
      workerFile: new URL('./fixtures/process-broken-worker.ts', import.meta.url),
    });
    pools.push(pool);
    const sb = pool.createSandbox();
    made.push(sb);
    const error = await sb.run('1').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(
      /^sandbox: the sandbox process could not start \(exit code 1\): .*this worker is broken on purpose/s,
    );
    expect(pool.status()).toEqual([]);
  });
});

describe('the environment of a worker process', () => {
  it('holds no secret of the parent (its /proc/<pid>/environ read from outside)', async () => {
    const canary = 'sk-canary-0123456789abcdef0123456789';
    process.env.TOOLSMITH_CANARY_API_KEY = canary;
    const config = loadConfig({
      ...process.env,
      ANTHROPIC_API_KEY: canary,
      DISCORD_TOKEN: `${canary}-discord`,
    });
    const pool = createSandboxPool({ spare: 0, env: workerEnvFrom(config.env) });
    pools.push(pool);
    const sb = pool.createSandbox();
    made.push(sb);
    expect(await sb.run('typeof process')).toMatchObject({ ok: true, data: 'undefined' });
    const [status] = pool.status();
    const environ = await readFile(`/proc/${status?.pid}/environ`, 'utf8');
    const names = environ
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.split('=')[0]);
    expect(environ).not.toContain('canary');
    expect(names).toContain('PATH');
    // Node's own IPC plumbing and the compile cache folder (when the parent has one) aside, only the allowlist.
    const node = ['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE', 'NODE_COMPILE_CACHE'];
    const allowed = ['PATH', 'LANG', 'TZ', ...node];
    expect(names.filter((name) => !allowed.includes(name ?? ''))).toEqual([]);
    // By default a worker gets no environment at all.
    const byDefault = createSandboxPool({ spare: 0 });
    pools.push(byDefault);
    const other = byDefault.createSandbox();
    made.push(other);
    await other.run('1');
    const [defaultStatus] = byDefault.status();
    expect(await readFile(`/proc/${defaultStatus?.pid}/environ`, 'utf8')).not.toContain('canary');
    delete process.env.TOOLSMITH_CANARY_API_KEY;
  });
});

describe('providers the pool cannot hand to a process', () => {
  it('a bad namespace or prelude data that cannot be copied throws a UsageError, as inline', async () => {
    const pool = createSandboxPool({ spare: 0 });
    pools.push(pool);
    const sb = pool.createSandbox();
    made.push(sb);
    const file = new URL('../../src/sandbox/libraries/import-prelude.ts', import.meta.url);
    const withFunction: SandboxProvider = {
      namespace: 'odd',
      bindings: {},
      prelude: { file, data: { f() {} } },
    };
    await expect(sb.run('1', { providers: [withFunction] })).rejects.toThrow(
      /prelude data of sandbox provider odd cannot be copied to a sandbox process/,
    );
    await expect(sb.run('1', { providers: [{ namespace: 'not ok', bindings: {} }] })).rejects.toThrow(
      UsageError,
    );
    expect(pool.status()).toEqual([]);
    expect(await sb.run('2')).toMatchObject({ ok: true, data: 2 });
  });
});

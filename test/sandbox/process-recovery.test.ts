/**
 * What the worker processes are for: an out-of-memory V8 cannot recover from (an object or Map grown
 * to millions of keys) parks the isolate's thread with its heap until its process ends. Through the
 * pool, the session gets a clear error and goes on in a fresh process, the tainted process is
 * killed once its sandboxes have left, and the parent exits by itself. A process killed mid-run
 * fails that run with an error saying so, and the next run works. A pool closed while its worker
 * starts holds its parent until that worker's end.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lostIsolates } from '../../src/sandbox/isolate-session.ts';
import { createSandboxPool } from '../../src/sandbox/process/sandbox-pool.ts';
import type { Sandbox, SandboxProvider } from '../../src/sandbox/types.ts';

// An object grown key by key: its dictionary's doubling is one allocation larger than what is left.
const KEY_BOMB = 'const o = {}; for (let i = 0; ; i++) o["k" + i] = i;';

const pool = createSandboxPool({ perProcess: 8 });
const made: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of made) sandbox.dispose();
  await pool.close();
});

function sandbox(options: Parameters<typeof pool.createSandbox>[0] = {}): Sandbox {
  const created = pool.createSandbox(options);
  made.push(created);
  return created;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Run a fixture as the parent of a pool, in a process of its own: its exit code and what it printed. */
async function runParent(fixture: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', script],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) =>
    child.on('exit', (exitCode) => resolve(exitCode)),
  );
  return { code, stdout, stderr };
}

/** The pids of the processes that hold at least one sandbox. */
function busyPids(): number[] {
  return pool
    .status()
    .filter((status) => status.sandboxes > 0)
    .map((status) => status.pid);
}

describe('an isolate lost beyond recovery', () => {
  it('the session gets a clear error and goes on in a fresh process; the tainted one ends once empty', async () => {
    const lostHere = lostIsolates().count;
    const bombed = sandbox({ limits: { memoryMb: 16 } });
    const neighbour = sandbox();
    await bombed.run('const kept = 1');
    await neighbour.run('const mine = "still here"');
    const [taintedPid] = busyPids();
    expect(busyPids()).toHaveLength(1);

    const result = await bombed.run(KEY_BOMB);
    expect(result.error).toMatchObject({ name: 'RangeError', limit: 'memory' });
    expect(result.error?.message).toBe(
      'Memory limit of 16 MB exceeded by one allocation too large for what was left (a Map, Set or object grown to millions of keys?); the sandbox was reset, so variables from earlier runs are gone. Keep such collections smaller or in pieces; the next run starts in a fresh sandbox process',
    );
    expect(pool.status().find((status) => status.pid === taintedPid)).toMatchObject({
      tainted: true,
      sandboxes: 1,
    });
    // The parent never ran that isolate: nothing is lost here.
    expect(lostIsolates().count).toBe(lostHere);

    const next = await bombed.run('typeof kept');
    expect(next).toMatchObject({ ok: true, stateReset: true, data: 'undefined' });
    expect(busyPids()).toContain(taintedPid);
    expect(busyPids()).toHaveLength(2);
    // A neighbour whose isolate is fine keeps its state in the tainted process...
    expect(await neighbour.run('mine')).toMatchObject({ ok: true, data: 'still here' });
    // ...until it is released: then the tainted process is killed.
    neighbour.dispose();
    await expect.poll(() => alive(taintedPid as number), { timeout: 10_000 }).toBe(false);
    expect(pool.status().map((status) => status.pid)).not.toContain(taintedPid);
    expect(await bombed.run('1 + 1')).toMatchObject({ ok: true, data: 2 });
  });

  it('a parent that lost an isolate in the pool exits by itself, and its processes are gone', async () => {
    const { code, stdout } = await runParent('process-oom-exit.ts');
    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { error: { limit: string }; pids: number[]; parentLost: number };
    expect(seen.error.limit).toBe('memory');
    expect(seen.parentLost).toBe(0);
    expect(seen.pids.length).toBeGreaterThan(0);
    for (const pid of seen.pids) expect(alive(pid)).toBe(false);
  });
});

describe('a process that dies', () => {
  it('a run whose process is SIGKILLed ends with an error saying so; the next run works', async () => {
    let started: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      started = resolve;
    });
    const probe: SandboxProvider = { namespace: 'tools', bindings: { started: () => started() } };
    const sb = sandbox({ limits: { timeoutMs: 20_000 }, providers: [probe] });
    await sb.run('const kept = 1');
    const running = sb.run('await tools.started(); for (;;) {}');
    await reached;
    const [pid] = pool
      .status()
      .filter((status) => status.sandboxes > 0 && !status.tainted)
      .map((s) => s.pid);
    process.kill(pid as number, 'SIGKILL');
    const result = await running;
    expect(result).toMatchObject({
      ok: false,
      error: {
        name: 'Error',
        message: 'the sandbox process ended (killed by SIGKILL); variables from earlier runs are gone',
      },
    });
    expect(await sb.run('typeof kept')).toMatchObject({ ok: true, stateReset: true, data: 'undefined' });
    expect(sb.stats()).toMatchObject({ runs: 3 });
  });
});

describe('a pool closed while its worker is starting', () => {
  it("holds its parent until the worker's end, even when the worker's 'ready' is read after the kill", async () => {
    const { code, stdout, stderr } = await runParent('process-close-on-ready.ts');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { pid } = JSON.parse(stdout) as { pid: number };
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });
});

/**
 * Sandboxes in worker processes behave as the inline sandbox does: the same code gives the same
 * result through the pool (values, logs, errors with their line, bindings, limits, abort, reset,
 * stats), console lines stream back while the run goes on, a binding's signal aborts when the run
 * ends, pauseWall holds the child's wall clock, and a library import is evaluated in the child's
 * session. One pool for the file: starting processes is the slow part.
 */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import { createLibraryProvider } from '../../src/sandbox/libraries/create-library-provider.ts';
import { createSandboxPool } from '../../src/sandbox/process/sandbox-pool.ts';
import type {
  HostCallContext,
  LogEntry,
  RunOptions,
  RunResult,
  Sandbox,
  SandboxOptions,
  SandboxProvider,
} from '../../src/sandbox/types.ts';

const pool = createSandboxPool({ perProcess: 8 });
const made: Sandbox[] = [];
afterAll(async () => {
  for (const sandbox of made) sandbox.dispose();
  await pool.close();
});

function pair(options: SandboxOptions = {}): { inline: Sandbox; pooled: Sandbox } {
  const inline = createSandbox(options);
  const pooled = pool.createSandbox(options);
  made.push(inline, pooled);
  return { inline, pooled };
}

/** A result without what differs from run to run (time). */
function comparable(result: RunResult) {
  const { durationMs: _ignored, ...rest } = result;
  return rest;
}

/** Run the same code in both, in order, and expect the same result; returns the pooled one. */
async function same(sandboxes: { inline: Sandbox; pooled: Sandbox }, code: string, options: RunOptions = {}) {
  const inline = await sandboxes.inline.run(code, options);
  const pooled = await sandboxes.pooled.run(code, options);
  expect(comparable(pooled)).toEqual(comparable(inline));
  return pooled;
}

const math: SandboxProvider = {
  namespace: 'tools',
  bindings: {
    'math.add': (args) => Number(args[0]) + Number(args[1]),
    'math.fail': () => {
      throw new TypeError('no such row');
    },
    'math.echo': async (args) => ({ got: args, at: 'host' }),
  },
};

// The comparisons run together (each its own sessions in the one pool), except the limits (below).
describe.concurrent('the same results through the pool as inline', () => {
  it('values, state across runs, errors with their line', async ({ expect }) => {
    const both = pair();
    await same(both, 'const kept = { list: [1, "two", null], map: new Map([[1, 2]]) }; kept');
    await same(both, 'kept.list.length + 1');
    const error = await same(both, 'const a = 1;\nnull.boom;');
    expect(error.error).toMatchObject({ name: 'TypeError', line: 2 });
    await same(both, 'const x = ;');
    await same(both, 'throw new RangeError("bad " + kept.list[1])');
  });

  it('console lines come back in the result and stream while the run goes on', async ({ expect }) => {
    const both = pair();
    const streamed: LogEntry[] = [];
    const result = await both.pooled.run(
      'console.log("one", { a: 1 }); console.warn("two"); await new Promise((r) => setTimeout(r, 50)); console.error("three"); 7',
      { onLog: (entry) => streamed.push(entry) },
    );
    const inline = await both.inline.run(
      'console.log("one", { a: 1 }); console.warn("two"); await new Promise((r) => setTimeout(r, 50)); console.error("three"); 7',
    );
    expect(comparable(result)).toEqual(comparable(inline));
    expect(streamed).toEqual(result.logs);
    expect(streamed.map((entry) => entry.level)).toEqual(['log', 'warn', 'error']);
  });

  it('bindings get their arguments and return results; a throwing one is an error in the code', async ({
    expect,
  }) => {
    const both = pair({ providers: [math] });
    const result = await same(both, 'await tools.math.add(2, 3)');
    expect(result.data).toBe(5);
    await same(both, 'await tools.math.echo("a", [1, { b: 2 }])');
    await same(both, 'try { await tools.math.fail() } catch (error) { error.name + ": " + error.message }');
    await same(both, 'await tools.math.fail()');
    await same(both, 'await tools.math.nope()');
  });

  it("a binding's signal aborts when the run ends", async ({ expect }) => {
    const signals: AbortSignal[] = [];
    const slow: SandboxProvider = {
      namespace: 'tools',
      bindings: {
        wait: (_args, context) => {
          signals.push(context.signal);
          return new Promise(() => undefined);
        },
      },
    };
    const sb = pool.createSandbox({ providers: [slow] });
    made.push(sb);
    const result = await sb.run('tools.wait(); "done without waiting"');
    expect(result).toMatchObject({ ok: true, data: 'done without waiting' });
    await expect.poll(() => signals.length).toBe(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('pauseWall holds the wall clock in the child while a person decides', async ({ expect }) => {
    const approval = (pause: boolean): SandboxProvider => ({
      namespace: 'tools',
      bindings: {
        ask: (_args, context: HostCallContext) => {
          const decided = new Promise((resolve) => setTimeout(() => resolve('approved'), 600));
          return pause ? context.pauseWall(decided) : decided;
        },
      },
    });
    const sb = pool.createSandbox({ limits: { wallMs: 300 } });
    made.push(sb);
    const paused = await sb.run('await tools.ask()', { providers: [approval(true)] });
    expect(paused).toMatchObject({ ok: true, data: 'approved' });
    const unpaused = await sb.run('await tools.ask()', { providers: [approval(false)] });
    expect(unpaused.error).toMatchObject({ name: 'TimeoutError', limit: 'wall' });
  });

  it('a library import is evaluated in the child session (the loader calls evaluate)', async ({ expect }) => {
    const both = pair({ providers: [createLibraryProvider()] });
    const result = await same(both, "import Papa from 'papaparse';\nPapa.parse('a,b\\n1,2').data");
    expect(result.data).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    await same(both, "const m = await import('papaparce');");
  });

  it('an abort signal stops the run; the next run starts fresh', async ({ expect }) => {
    const sb = pool.createSandbox();
    made.push(sb);
    await sb.run('const kept = 1');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const stopped = await sb.run('for (;;) {}', { signal: controller.signal });
    expect(stopped.error).toMatchObject({ name: 'AbortError', limit: 'aborted' });
    expect(await sb.run('typeof kept')).toMatchObject({ ok: true, stateReset: true, data: 'undefined' });
    const already = new AbortController();
    already.abort();
    expect((await sb.run('1', { signal: already.signal })).error?.limit).toBe('aborted');
  });

  it('reset forgets the state without a stateReset note; stats add up across runs and resets', async ({
    expect,
  }) => {
    const both = pair();
    await same(both, 'const kept = new Array(1000).fill("x")');
    const before = both.pooled.stats();
    expect(before).toMatchObject({ runs: 1, resets: 0 });
    expect(before.cpuTimeMs).toBeGreaterThan(0);
    expect(before.heapUsedBytes).toBeGreaterThan(0);
    await both.inline.reset();
    await both.pooled.reset();
    await same(both, 'typeof kept');
    const after = both.pooled.stats();
    expect(after).toMatchObject({ runs: 2, resets: 1 });
    expect(after.cpuTimeMs).toBeGreaterThanOrEqual(before.cpuTimeMs);
    expect({ ...after, cpuTimeMs: 0, heapUsedBytes: 0 }).toEqual({
      ...both.inline.stats(),
      cpuTimeMs: 0,
      heapUsedBytes: 0,
    });
    // The heap figure comes fresh a little after the run, as inline (it is read asynchronously).
    await same(both, 'const objects = Array.from({ length: 200_000 }, (_, i) => ({ i })); objects.length');
    await expect.poll(() => both.pooled.stats().heapUsedBytes).toBeGreaterThan(4 * 1024 * 1024);
    both.pooled.dispose();
    expect(both.pooled.disposed).toBe(true);
    expect(() => both.pooled.run('1')).toThrow(/disposed/);
  });
});

// Alone: CPU and wall limits race each other on a busy machine.
describe('the limits through the pool as inline', () => {
  it('the CPU, wall and memory limits hold, with the same errors and recovery', async () => {
    const both = pair({ limits: { timeoutMs: 200, wallMs: 400 } });
    await same(both, 'const kept = 1');
    const cpu = await same(both, 'for (;;) {}');
    expect(cpu.error?.limit).toBe('cpu');
    await same(both, 'kept');
    const wall = await same(both, 'await new Promise(() => {})');
    expect(wall.error?.limit).toBe('wall');
    const small = pair({ limits: { memoryMb: 16 } });
    await same(small, 'const kept = 1');
    const memory = await same(
      small,
      'const a = []; for (;;) a.push(new Array(100_000).fill(Math.random()));',
    );
    expect(memory.error?.limit).toBe('memory');
    const after = await same(small, 'typeof kept');
    expect(after).toMatchObject({ ok: true, stateReset: true, data: 'undefined' });
  });
});

describe('the processes of the pool', () => {
  it('sessions fill a process before the spare is taken; empty ones beyond the spare end', async () => {
    const small = createSandboxPool({ perProcess: 2, spare: 1 });
    try {
      const sessions = Array.from({ length: 3 }, () => small.createSandbox());
      await Promise.all(sessions.map((session) => session.run('1')));
      const busy = small.status().filter((status) => status.sandboxes > 0);
      expect(busy.map((status) => status.sandboxes).sort()).toEqual([1, 2]);
      await expect.poll(() => small.status().filter((status) => status.sandboxes === 0).length).toBe(1);
      for (const session of sessions) session.dispose();
      await expect.poll(() => small.status().length, { timeout: 10_000 }).toBe(1);
      expect(small.status()[0]).toMatchObject({ sandboxes: 0, tainted: false });
    } finally {
      await small.close();
    }
    expect(small.status()).toEqual([]);
    expect(() => small.createSandbox()).toThrow(/closed/);
  });

  it('with no spare, warm starts a process only when none has room for the coming session', async () => {
    const terminal = createSandboxPool({ spare: 0, perProcess: 2 });
    try {
      terminal.warm();
      const [warmed] = terminal.status();
      expect(terminal.status()).toHaveLength(1);
      terminal.warm(); // already one idle: nothing more
      const session = terminal.createSandbox();
      expect(await session.run('6 * 7')).toMatchObject({ ok: true, data: 42 });
      // A spare would have been started as the session took the process (synchronously, in place()).
      expect(terminal.status()).toEqual([expect.objectContaining({ pid: warmed?.pid, sandboxes: 1 })]);
      terminal.warm(); // the process has room for one more sandbox: nothing more
      expect(terminal.status()).toHaveLength(1);
      const second = terminal.createSandbox();
      expect(await second.run('1')).toMatchObject({ ok: true });
      terminal.warm(); // full (2 per process): the next session's process starts now
      expect(terminal.status().map((status) => status.sandboxes)).toEqual([2, 0]);
      second.dispose();
      session.dispose();
    } finally {
      await terminal.close();
    }
  });

  it('with warmOnCreate, a new sandbox starts its process as it is made, not at its first run', async () => {
    const terminal = createSandboxPool({ spare: 0, warmOnCreate: true });
    try {
      expect(terminal.status()).toEqual([]);
      const session = terminal.createSandbox();
      const [started] = terminal.status();
      expect(terminal.status()).toHaveLength(1);
      expect(await session.run('6 * 7')).toMatchObject({ ok: true, data: 42 });
      expect(terminal.status()).toEqual([expect.objectContaining({ pid: started?.pid, sandboxes: 1 })]);
      session.dispose();
    } finally {
      await terminal.close();
    }
  });

  it('a process past its RSS cap takes no new session and ends once its sessions have left', async () => {
    // A worker holding one isolate is at ~60-100 MB resident: past a cap of 32 MB from its first run.
    const capped = createSandboxPool({ maxRssMb: 32, spare: 0 });
    try {
      const first = capped.createSandbox();
      expect(await first.run('const kept = 1; kept')).toMatchObject({ ok: true, data: 1 });
      const [fat] = capped.status();
      expect(fat).toMatchObject({ recycling: true, sandboxes: 1 });
      expect(fat?.rssBytes).toBeGreaterThan(32 * 1024 * 1024);
      // Its session keeps its state there...
      expect(await first.run('kept + 1')).toMatchObject({ ok: true, data: 2 });
      // ...while a new one starts elsewhere.
      const second = capped.createSandbox();
      await second.run('1');
      expect(capped.status().filter((status) => status.pid !== fat?.pid)).toHaveLength(1);
      first.dispose();
      await expect.poll(() => capped.status().some((status) => status.pid === fat?.pid)).toBe(false);
      second.dispose();
    } finally {
      await capped.close();
    }
  });

  it('a worker yields the CPU to the bot: every one of its threads runs at nice 10', async () => {
    const sb = pool.createSandbox();
    made.push(sb);
    await sb.run('await new Promise((resolve) => setTimeout(resolve, 10)); 1');
    const niceOf = async (pid: number) => {
      const threads = await readdir(`/proc/${pid}/task`);
      const nice = await Promise.all(
        threads.map(async (tid) => {
          const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
          // Fields after the command (which may hold spaces): state is the 3rd, nice the 19th.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        }),
      );
      return [...new Set(nice)];
    };
    // A worker lowers itself first thing, a moment after it starts: a spare the pool had just
    // started was caught before that moment on a loaded machine, so each is given that moment.
    expect(pool.status().length).toBeGreaterThan(0);
    for (const { pid } of pool.status()) await expect.poll(() => niceOf(pid)).toEqual([10]);
  });
});

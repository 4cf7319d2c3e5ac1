/**
 * The hub against real stdio servers: @modelcontextprotocol/server-everything, and a fault server
 * that exits at start, hangs at start, dies mid-call or never answers.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { it as base, beforeAll, describe } from 'vitest';
import { createToolHub, type ToolHubOptions } from '../../src/tools/create-tool-hub.ts';
import type { McpServerConfig } from '../../src/tools/mcp-config.ts';
import { ServerConnection } from '../../src/tools/server-connection.ts';
import { transportsFor } from '../../src/tools/transports.ts';
import type { HubEvent, ToolCallEvent, ToolHub } from '../../src/tools/types.ts';
import { closedAfterTest } from '../helpers/closed-after-test.ts';
import { EVERYTHING_SERVER, stdioServer } from '../helpers/stdio-server.ts';

const everything = EVERYTHING_SERVER;
const faultServer = path.join(import.meta.dirname, 'fixtures/fault-server.ts');

const stdio = stdioServer;

let workspaceDir: string;
beforeAll(async () => {
  workspaceDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-hub-'));
  return () => rm(workspaceDir, { recursive: true, force: true });
});

/**
 * The tests of a file run together (most of their time is spent waiting on servers and limits), so
 * each test opens its hubs through `open`, which closes them when that test ends.
 */
const it = base.extend<{ open: (options: ToolHubOptions) => Promise<ToolHub> }>({
  open: closedAfterTest(createToolHub),
});

/** A hub of `servers` with the limits most tests use. */
function hubOf(open: (options: ToolHubOptions) => Promise<ToolHub>, ...servers: McpServerConfig[]) {
  return open({ servers, connectTimeoutMs: 10_000, callTimeoutMs: 5_000, workspace: false });
}

/** True while `pid` runs (a zombie awaiting its parent's wait counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A server that never answers and ignores stdin closing and SIGTERM: `sleep` started from a shell
 * that set SIGTERM to ignored (exec keeps that) after writing its pid, which `sleep` keeps, to `pidFile`.
 */
function hungServer(name: string, pidFile: string, connectTimeoutMs: number): McpServerConfig {
  return stdio(name, ['-c', `trap '' TERM; echo $$ > "$0"; exec sleep 600`, pidFile], {
    command: '/bin/sh',
    connectTimeoutMs,
  });
}

describe.concurrent('server-everything over stdio', () => {
  it('lists its tools and calls them with unwrapped results', async ({ open, expect }) => {
    const hub = await hubOf(open, stdio('everything', [everything, 'stdio']));
    const info = hub.servers().find((s) => s.name === 'everything');
    expect(info?.status).toBe('connected');
    const names = info?.tools.map((t) => t.name) ?? [];
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'get-structured-content', 'get-tiny-image']),
    );
    expect(info?.tools.find((t) => t.name === 'get-sum')?.identifier).toBe('getSum');

    const options = { workspaceDir };
    expect(await hub.call('everything', 'echo', { message: 'hi' }, options)).toBe('Echo: hi');
    expect(await hub.call('everything', 'getSum', { a: 2, b: 40 }, options)).toBe(
      'The sum of 2 and 40 is 42.',
    );
    expect(await hub.call('everything', 'get-structured-content', { location: 'Chicago' }, options)).toEqual({
      temperature: 36,
      conditions: 'Light rain / drizzle',
      humidity: 82,
    });
    const image = await hub.call('everything', 'getTinyImage', {}, options);
    expect(image).toEqual([
      "Here's the image you requested:",
      { type: 'image', mimeType: 'image/png', bytes: expect.any(Number) },
      'The image above is the MCP logo.',
    ]);
    expect(JSON.stringify(image).length).toBeLessThan(200);
    expect(hub.declarations()).toContain('    getSum(input: {\n      a: number; // First number\n');
    expect(hub.declarations()).not.toContain('simulateResearchQuery'); // task-only: not callable here
  });

  it('records each call as start, progress and end events', async ({ open, expect }) => {
    const hub = await hubOf(open, stdio('everything', [everything, 'stdio']));
    const events: ToolCallEvent[] = [];
    const result = await hub.call(
      'everything',
      'trigger-long-running-operation',
      { duration: 0.3, steps: 3 },
      {
        workspaceDir,
        onCall: (event) => events.push(event),
      },
    );
    expect(result).toContain('Long running operation completed');
    // The SDK may deliver the last progress notification after the result; the rest arrive in order.
    const phases = events.map((e) => e.phase);
    expect(phases[0]).toBe('start');
    expect(phases.at(-1)).toBe('end');
    expect(phases.filter((p) => p === 'progress').length).toBeGreaterThanOrEqual(2);
    expect(events.find((e) => e.phase === 'progress')?.progress).toEqual({ progress: 1, total: 3 });
    const end = events.at(-1);
    expect(end).toMatchObject({ server: 'everything', tool: 'trigger-long-running-operation', ok: true });
    expect(end?.durationMs).toBeGreaterThan(0);
    expect(end?.resultChars).toBe(JSON.stringify(result).length);
    expect(end?.argsChars).toBe(JSON.stringify({ duration: 0.3, steps: 3 }).length);
    expect(new Set(events.map((e) => e.callId)).size).toBe(1);
  });
});

describe.concurrent('faults', () => {
  it('reports a server that exits at start, with its stderr, and the rest work', async ({ open, expect }) => {
    const hub = await hubOf(
      open,
      stdio('broken', [faultServer, 'exit-at-start']),
      stdio('fine', [faultServer]),
    );
    const [broken, fine] = ['broken', 'fine'].map((name) => hub.servers().find((s) => s.name === name));
    expect(broken?.status).toBe('failed');
    expect(broken?.error).toBe('stdio: exited during start-up');
    expect(broken?.detail).toBe('stderr: fault-server: cannot open database /nope.db');
    expect(fine?.status).toBe('connected');
    // What the agent's code sees names the failure but not the server's stderr.
    const error = await hub.call('broken', 'pid', {}, { workspaceDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ToolError',
      message:
        'unknown tool tools.broken.pid: tool server "broken" has no tools (failed: stdio: exited during start-up)',
    });
    const data = JSON.stringify(hub.provider({ workspaceDir }).prelude?.data);
    expect(data).toContain('"broken":"failed: stdio: exited during start-up"');
    expect(data).not.toContain('nope.db');
    expect(hub.declarations()).not.toContain('broken');
  });

  it('reports a command that does not exist', async ({ open, expect }) => {
    const hub = await hubOf(open, stdio('ghost', [], { command: 'toolsmith-no-such-command' }));
    expect(hub.servers().find((s) => s.name === 'ghost')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/not found|ENOENT/),
    });
  });

  it('reports a server that never answers at start at once, and ends its process in the background', async ({
    open,
    expect,
  }) => {
    const pidFile = path.join(workspaceDir, `hung-${Date.now()}.pid`);
    const hub = await open({
      // Alone, so nothing else the hub waits for can let the kill grace run out before it returns.
      servers: [hungServer('mute', pidFile, 500)],
      workspace: false,
    });
    expect(hub.servers().find((s) => s.name === 'mute')).toMatchObject({
      status: 'failed',
      error: 'stdio: did not answer within 500 ms',
    });
    // Reported failed while its process is still being ended (it ignores SIGTERM and waits for
    // SIGKILL after the grace): the hub did not wait for it. Closing the hub does, and then it is gone.
    await expect.poll(() => existsSync(pidFile), { timeout: 10_000 }).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    await hub.close();
    expect(isAlive(pid)).toBe(false);
  });

  it('starts servers in parallel: a hung one does not hold up the others, and they work', async ({
    open,
    expect,
  }) => {
    const pidFile = path.join(workspaceDir, `hung-alone-${Date.now()}.pid`);
    const hub = await open({
      servers: [hungServer('mute', pidFile, 500), stdio('fine', [faultServer])],
      connectTimeoutMs: 20_000,
      workspace: false,
    });
    expect(hub.servers().find((s) => s.name === 'mute')?.error).toBe('stdio: did not answer within 500 ms');
    expect(hub.servers().find((s) => s.name === 'fine')?.status).toBe('connected');
    expect(await hub.call('fine', 'pid', {}, { workspaceDir })).toEqual(expect.any(Number));
    await expect.poll(() => existsSync(pidFile), { timeout: 10_000 }).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    // No close: the SIGKILL after the grace ends the hung one on its own.
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
  });

  it('close during start-up ends a server still connecting instead of waiting for its limit', async ({
    expect,
  }) => {
    const pidFile = path.join(workspaceDir, `closing-${Date.now()}.pid`);
    const connection = new ServerConnection({
      name: 'mute',
      transports: transportsFor(hungServer('mute', pidFile, 60_000)),
      connectTimeoutMs: 60_000,
      callTimeoutMs: 1000,
    });
    const started = connection.start();
    await expect.poll(() => existsSync(pidFile), { timeout: 10_000 }).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    await connection.close(); // a shutdown (Ctrl-C) while the hub is still starting
    expect(isAlive(pid)).toBe(false);
    await started;
    expect(connection.status).toBe('closed');
  });

  it('ends what a server started itself: the whole process group goes on close', async ({ open, expect }) => {
    const pidFile = path.join(workspaceDir, `grandchild-${Date.now()}.pid`);
    const hub = await open({
      servers: [
        stdio(
          'wrapper',
          ['-c', `sleep 600 & echo $! > "$0"; exec "$1" "$2"`, pidFile, process.execPath, faultServer],
          {
            command: '/bin/sh',
          },
        ),
      ],
      workspace: false,
    });
    expect(hub.servers().find((s) => s.name === 'wrapper')?.status).toBe('connected');
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    await hub.close();
    await expect.poll(() => isAlive(grandchild), { timeout: 5000 }).toBe(false);
  });

  it('leaves no server behind when the process exits without closing its hub', async ({ expect }) => {
    const pidFile = path.join(workspaceDir, `orphan-${Date.now()}.pid`);
    const script = path.join(import.meta.dirname, 'fixtures/exit-without-close.ts');
    await promisify(execFile)(process.execPath, [script, pidFile], { timeout: 30_000 });
    const pid = Number(await readFile(pidFile, 'utf8'));
    // Its parent is gone, so init reaps it: poll until it has.
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
  });

  it('fails a call in flight when the server dies, then reconnects', async ({ open, expect }) => {
    const hub = await open({
      servers: [stdio('fragile', [faultServer])],
      workspace: false,
      callTimeoutMs: 10_000,
      reconnect: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    });
    const events: HubEvent[] = [];
    hub.subscribe((event) => events.push(event));
    const firstPid = Number(await hub.call('fragile', 'pid', {}, { workspaceDir }));
    const started = Date.now();
    await expect(hub.call('fragile', 'die', {}, { workspaceDir })).rejects.toThrow(
      /exited or dropped the connection during the call/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect
      .poll(() => hub.servers().find((x) => x.name === 'fragile')?.status, { timeout: 5_000 })
      .toBe('connected');
    expect(events.map((e) => (e.type === 'status' ? e.status : e.type))).toEqual(
      expect.arrayContaining(['reconnecting', 'connected']),
    );
    const secondPid = Number(await hub.call('fragile', 'pid', {}, { workspaceDir }));
    expect(secondPid).not.toBe(firstPid);
    expect(isAlive(firstPid)).toBe(false);
  });

  it('fails calls fast while reconnecting, and gives up after the last attempt', async ({ open, expect }) => {
    const marker = path.join(workspaceDir, `once-${Date.now()}`);
    const hub = await open({
      servers: [stdio('flaky', [faultServer, `once:${marker}`])],
      workspace: false,
      reconnect: { attempts: 2, baseDelayMs: 300, maxDelayMs: 300 },
    });
    await expect(hub.call('flaky', 'die', {}, { workspaceDir })).rejects.toThrow(
      /dropped the connection during the call/,
    );
    const started = Date.now();
    await expect(hub.call('flaky', 'pid', {}, { workspaceDir })).rejects.toThrow(
      'tool server "flaky" is reconnecting (the connection closed (the server exited or crashed); reconnect attempt 1 of 2)',
    );
    expect(Date.now() - started).toBeLessThan(200);
    await expect
      .poll(() => hub.servers().find((x) => x.name === 'flaky')?.status, { timeout: 5_000 })
      .toBe('failed');
    const info = hub.servers().find((x) => x.name === 'flaky');
    expect(info?.error).toMatch(/gave up after 2 reconnect attempts: stdio: exited during start-up$/);
    expect(info?.detail).toBe('stderr: fault-server: second start refused');
    expect(hub.declarations()).not.toContain('flaky'); // no longer offered to the model
    // A sandbox still holding the old bindings gets a clear error.
    await expect(hub.call('flaky', 'pid', {}, { workspaceDir })).rejects.toThrow(
      /tool server "flaky" is failed/,
    );
  });

  it('times out a call that never answers', async ({ open, expect }) => {
    const hub = await open({
      servers: [stdio('slow', [faultServer], { timeoutMs: 300 })],
      workspace: false,
    });
    await expect(hub.call('slow', 'hang', {}, { workspaceDir })).rejects.toThrow(
      'slow.hang timed out after 300 ms without progress',
    );
    expect(await hub.call('slow', 'pid', {}, { workspaceDir })).toEqual(expect.any(Number));
  });

  it('lets progress notifications extend the call timeout', async ({ open, expect }) => {
    const hub = await open({
      servers: [stdio('slow', [faultServer], { timeoutMs: 1000 })],
      workspace: false,
    });
    // 10 steps of 200 ms: 2 s in all, twice the 1 s limit, but never near 1 s without progress (a
    // loaded machine delayed one 150 ms step past a 400 ms limit).
    expect(await hub.call('slow', 'progress', { steps: 10, stepMs: 200 }, { workspaceDir })).toBe(
      'done after 10 steps',
    );
  });

  it('passes a sanitized environment: no secrets of the parent, only basics and configured env', async ({
    open,
    expect,
  }) => {
    const hub = await open({
      servers: [stdio('env', [faultServer], { env: { SERVER_TOKEN: 'for-the-server' } })],
      workspace: false,
      env: {
        ...process.env,
        ANTHROPIC_API_KEY: 'sk-secret',
        DISCORD_TOKEN: 'discord-secret',
        PATH: process.env.PATH,
      },
    });
    const keys = await hub.call('env', 'env', {}, { workspaceDir });
    expect(keys).toEqual(expect.arrayContaining(['PATH', 'SERVER_TOKEN']));
    expect(keys).not.toContain('ANTHROPIC_API_KEY');
    expect(keys).not.toContain('DISCORD_TOKEN');
  });

  it('leaves no child process behind on close', async ({ open, expect }) => {
    const hub = await open({
      servers: [stdio('a', [faultServer]), stdio('b', [faultServer])],
      workspace: false,
    });
    const pids = [
      Number(await hub.call('a', 'pid', {}, { workspaceDir })),
      Number(await hub.call('b', 'pid', {}, { workspaceDir })),
    ];
    expect(pids.every(isAlive)).toBe(true);
    await hub.close();
    expect(pids.some(isAlive)).toBe(false);
    expect(hub.servers().map((s) => s.status)).toEqual(['disabled', 'closed', 'closed']);
  });
});

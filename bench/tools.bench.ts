/**
 * Tool call round trips from sandboxed code. Sandboxed code awaits the same call many times in a row;
 * the host stamps each call's arrival, so the gap between two arrivals is one full round trip
 * (isolate -> host -> tool -> host -> isolate -> next call). The plain host function (the baseline) and
 * the in-process MCP tool (target: <= 3x the baseline) are measured in alternating blocks, so load on
 * the machine falls on both alike; each pair of blocks is a round with its own ratio, reported as the
 * median over the rounds and their range (bench/measure.ts). The stdio call to server-everything runs
 * on its own hub afterwards (a figure with no baseline).
 * Last, hub start-up with one stdio server, with and without a second one that never answers
 * (alternating): the hung one should cost its connect limit, not the time it takes to end it.
 */

import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { createSandbox } from '../src/sandbox/create-sandbox.ts';
import type { HostBindings, Sandbox, SandboxProvider } from '../src/sandbox/types.ts';
import { withTimeout } from '../src/tools/connection-errors.ts';
import { createToolHub } from '../src/tools/create-tool-hub.ts';
import { EVERYTHING_SERVER, stdioServer } from '../test/helpers/stdio-server.ts';
import {
  against,
  type BenchRow,
  deltaOverRounds,
  formatDelta,
  measure,
  ratioOverRounds,
  round,
  roundsMeeting,
  rowOf,
  summarize,
} from './measure.ts';

function createEcho(): McpServer {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool('echo', { inputSchema: { value: z.number() } }, async ({ value }) => ({
    content: [{ type: 'text', text: String(value) }],
  }));
  return server;
}

/** A sandbox whose provider's bindings stamp each call's arrival, and a way to collect round trips of `call`. */
function stampedSandbox(provider: SandboxProvider, call: string) {
  const stamps: bigint[] = [];
  const stamped: HostBindings = {};
  for (const [key, fn] of Object.entries(provider.bindings)) {
    stamped[key] = (args, context) => {
      stamps.push(process.hrtime.bigint());
      return fn(args, context);
    };
  }
  const sandbox: Sandbox = createSandbox({
    providers: [{ ...provider, bindings: stamped }],
    limits: { wallMs: 120_000, timeoutMs: 60_000 },
  });
  const samples: number[] = [];
  return {
    sandbox,
    samples,
    /** `n` round trips in one run (n + 1 calls), appended to `samples`. */
    async block(n: number, keep = true): Promise<void> {
      stamps.length = 0;
      const result = await sandbox.run(`for (let i = 0; i < ${n + 1}; i++) await ${call};`);
      if (!result.ok) throw new Error(`${call}: ${result.error?.message}`);
      if (keep)
        samples.push(...stamps.slice(1).map((stamp, i) => Number(stamp - (stamps[i] ?? stamp)) / 1000));
    },
  };
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const hub = await createToolHub({ workspace: false, inProcess: [{ name: 'bench', create: createEcho }] });
  const tools = hub.provider({ workspaceDir: '/tmp/toolsmith-bench' });
  const plain = stampedSandbox(
    { namespace: 'bench', bindings: { echo: (args) => args[0] } },
    'bench.echo({ value: i })',
  );
  const mcp = stampedSandbox(tools, 'tools.bench.echo({ value: i })');
  try {
    // Both paths run long enough first for the JIT to settle (the SDK's path is long: a bot that
    // has served a few thousand calls runs it optimized), then are sampled in alternating blocks.
    // The first 1000 of each are kept apart, to show the unsettled figure as well.
    await plain.block(1000);
    await mcp.block(1000);
    const [plainFirst, mcpFirst] = [plain.samples.splice(0), mcp.samples.splice(0)];
    for (let i = 0; i < 2; i++) {
      await plain.block(1000, false);
      await mcp.block(1000, false);
    }
    // Rounds of 200 round trips each, the order swapped every round; a ratio per round.
    const plainRounds: number[][] = [];
    const mcpRounds: number[][] = [];
    for (let i = 0; i < 6; i++) {
      const turns = [
        { paths: plain, into: plainRounds },
        { paths: mcp, into: mcpRounds },
      ];
      for (const { paths, into } of i % 2 === 0 ? turns : turns.reverse()) {
        const before = paths.samples.length;
        await paths.block(200);
        into.push(paths.samples.slice(before));
      }
    }
    const base = rowOf('sandbox -> plain host function (baseline)', plainRounds);
    const ratio = ratioOverRounds(plainRounds, mcpRounds);
    const viaMcp = against(
      'sandbox -> in-process MCP tool',
      plainRounds,
      mcpRounds,
      `target <= 3x: ${roundsMeeting(ratio, (value) => value <= 3)}`,
    );
    const firstRatio = summarize(mcpFirst).medianUs / summarize(plainFirst).medianUs;
    rows.push(base, viaMcp, {
      name: 'sandbox -> in-process MCP tool, first 1000 calls of the process',
      ...summarize(mcpFirst),
      runs: mcpFirst.length,
      note: `${round(firstRatio)}x the plain host function's first 1000; JIT not settled yet`,
    });
    rows.push(
      await measure(
        'hub.call in-process MCP tool (host side, no sandbox)',
        () => hub.call('bench', 'echo', { value: 1 }, { workspaceDir: '/tmp' }),
        {
          runs: 1000,
          warmup: 50,
        },
      ),
    );
  } finally {
    plain.sandbox.dispose();
    mcp.sandbox.dispose();
    await hub.close();
  }

  const stdioHub = await createToolHub({
    workspace: false,
    servers: [stdioServer('everything', [EVERYTHING_SERVER, 'stdio'])],
  });
  const stdio = stampedSandbox(
    stdioHub.provider({ workspaceDir: '/tmp' }),
    "tools.everything.echo({ message: 'ping' + i })",
  );
  try {
    await stdio.block(50, false);
    await stdio.block(300);
    rows.push({
      name: 'sandbox -> stdio MCP (server-everything echo)',
      ...summarize(stdio.samples),
      runs: stdio.samples.length,
      note: 'child process, JSON-RPC over pipes',
    });
  } finally {
    stdio.sandbox.dispose();
    await stdioHub.close();
  }
  rows.push(...(await startupWithHungServer()));
  return rows;
}

const FAULT_SERVER = path.resolve(import.meta.dirname, '../test/tools/fixtures/fault-server.ts');

/** Hub start-up with one stdio server, then with it and a server that hangs at start, alternating. */
export async function startupWithHungServer(): Promise<BenchRow[]> {
  const connectLimitMs = 500;
  const fine = stdioServer('fine', [FAULT_SERVER]);
  // Never answers, ignores stdin closing and SIGTERM (set to ignored before exec): only SIGKILL ends it.
  const mute = stdioServer('mute', ['-c', `trap '' TERM; exec sleep 600`], {
    command: '/bin/sh',
    connectTimeoutMs: connectLimitMs,
  });
  const samples = { alone: [] as number[], hung: [] as number[], close: [] as number[] };
  const start = async (servers: (typeof fine)[], into: number[], closeInto?: number[]) => {
    const began = process.hrtime.bigint();
    const hub = await createToolHub({ workspace: false, servers });
    into.push(Number(process.hrtime.bigint() - began) / 1000);
    const statuses = hub.servers().map((s) => `${s.name}: ${s.status}`);
    const closing = process.hrtime.bigint();
    await hub.close();
    closeInto?.push(Number(process.hrtime.bigint() - closing) / 1000);
    const expected = servers.length > 1 ? ['fine: connected', 'mute: failed'] : ['fine: connected'];
    if (!expected.every((line) => statuses.includes(line)))
      throw new Error(`unexpected start-up statuses: ${statuses.join(', ')}`);
  };
  await start([fine], []);
  await start([fine, mute], []);
  for (let i = 0; i < 12; i++) {
    // The order swapped every round, so neither always starts right after the other.
    if (i % 2 === 0) await start([fine], samples.alone);
    await start([fine, mute], samples.hung, samples.close);
    if (i % 2 === 1) await start([fine], samples.alone);
  }
  const alone = summarize(samples.alone);
  const hung = summarize(samples.hung);
  // Each pair of start-ups (alone, then with the hung server) is a round of its own.
  const added = deltaOverRounds(
    samples.alone.map((us) => [us]),
    samples.hung.map((us) => [us]),
  );
  const spread = (values: number[]) =>
    `${round(Math.min(...values) / 1000, 0)}-${round(Math.max(...values) / 1000, 0)} ms`;
  return [
    {
      name: 'hub start-up, one stdio server',
      ...alone,
      runs: samples.alone.length,
      note: `spread ${spread(samples.alone)}`,
    },
    {
      name: `hub start-up, plus one that never answers (limit ${connectLimitMs} ms)`,
      ...hung,
      runs: samples.hung.length,
      note: `spread ${spread(samples.hung)}; ${formatDelta(added)} over the one server alone, start-up by start-up (in parallel, so at most the limit; before: ~4.5 s more)`,
    },
    {
      name: 'hub close after it (waits for the hung process to be SIGKILLed)',
      ...summarize(samples.close),
      runs: samples.close.length,
      note: `spread ${spread(samples.close)}; what is left of the 1.25 s until SIGKILL that began at the failure`,
    },
    await sdkCloseOfHungServer(connectLimitMs),
  ];
}

/** The old way, for comparison: the SDK's stdio transport, whose close a hung server holds ~4 s. */
async function sdkCloseOfHungServer(connectLimitMs: number): Promise<BenchRow> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const client = new Client({ name: 'bench', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: '/bin/sh',
      args: ['-c', `trap '' TERM; exec sleep 600`],
      stderr: 'pipe',
    });
    const began = process.hrtime.bigint();
    await withTimeout(client.connect(transport), connectLimitMs, 'no answer').catch(() => {});
    await client.close();
    samples.push(Number(process.hrtime.bigint() - began) / 1000);
  }
  return {
    name: `before: SDK stdio transport, failed connect (limit ${connectLimitMs} ms) then close`,
    ...summarize(samples),
    runs: samples.length,
    note: 'what each hung server used to add to start-up: stdin close, 2 s, SIGTERM, 2 s, SIGKILL',
  };
}

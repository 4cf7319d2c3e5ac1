/**
 * The chart worker process and its limits, with the real libraries: a render past its time limit or
 * cancelled is stopped by ending the worker, a spec that exhausts its heap ends only the worker, the
 * worker gets none of the bot's environment and runs under Node's permission model (tested by running
 * what escaped code would try under the same flags), and each time the next chart still renders.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChartRenderer, chartWorkerPermissions } from '../../src/tools/builtin/chart/chart-renderer.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import { bars, LIMITS, SALES } from './chart-fixtures.ts';

// Every test starts a chart worker, most a second one: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let base: string;
let workspaceDir: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-chart-worker-'));
  workspaceDir = path.join(base, 'session');
  await mkdir(workspaceDir, { recursive: true });
  await writeFile(path.join(workspaceDir, 'sales.csv'), SALES);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('chart time limit', () => {
  it('stops a render that runs past the time limit, and the next chart still renders', async () => {
    // The limit also holds the next chart, the first in a fresh worker (colder, so slower): 2 s leaves
    // a busy machine room for it.
    const slow = await createToolHub({
      workspace: false,
      chart: { ...LIMITS, maxPoints: 1e9, timeoutMs: 2000 },
    });
    try {
      const start = Date.now();
      await expect(
        slow.call(
          'chart',
          'render',
          {
            spec: {
              // Time without growing memory: a loess over 200,000 points runs for well over 8 s at a
              // flat ~300 MB (30 million points took time too, but a fast worker ran out of heap first).
              data: { sequence: { start: 0, stop: 200_000 } },
              transform: [
                { calculate: 'sqrt(datum.data) * sin(datum.data)', as: 'y' },
                { loess: 'y', on: 'data', bandwidth: 0.5 },
              ],
              mark: 'point',
              encoding: {
                x: { field: 'data', type: 'quantitative' },
                y: { field: 'y', type: 'quantitative' },
              },
            },
            path: 'slow.png',
          },
          { workspaceDir },
        ),
      ).rejects.toThrow(/took longer than 2000 ms \(CHART_TIMEOUT_MS\) and was stopped/);
      expect(Date.now() - start).toBeLessThan(20_000);
      const next = await slow.call(
        'chart',
        'render',
        { spec: bars({ data: { url: 'sales.csv' } }), path: 'after.png', scale: 1 },
        { workspaceDir },
      );
      expect(next).toMatchObject({ path: 'after.png' });
    } finally {
      await slow.close();
    }
  });
});

/** A render request over the sales CSV with no point limit, for specs heavy enough to be stopped. */
const UNBOUNDED = {
  scale: 1,
  svg: false,
  files: { 'sales.csv': SALES },
  maxPoints: 1e9,
  maxPixels: LIMITS.maxPixels,
};

describe('chart cancellation', () => {
  it('a cancelled call stops its render at once (the worker is ended), and the next chart renders', async () => {
    const renderer = new ChartRenderer({ timeoutMs: 120_000 });
    const request = UNBOUNDED;
    try {
      await renderer.render({ ...request, spec: bars({ data: { url: 'sales.csv' } }) });
      const controller = new AbortController();
      const slow = renderer.render(
        {
          ...request,
          spec: {
            data: { sequence: { start: 0, stop: 3e7 } },
            transform: [{ calculate: 'sqrt(datum.data)', as: 'y' }],
            mark: 'point',
            encoding: {
              x: { field: 'data', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
            },
          },
        },
        controller.signal,
      );
      // The next chart waits behind the slow one: it renders only if cancelling really ended that one.
      const next = renderer.render({ ...request, spec: bars({ data: { url: 'sales.csv' } }) });
      setTimeout(() => controller.abort(), 500);
      await expect(slow).rejects.toThrow('the chart was cancelled');
      const output = await next;
      expect(PNG.sync.read(Buffer.from(output.png)).width).toBe(output.width);
    } finally {
      await renderer.close();
    }
  });
});

describe('chart memory', () => {
  it('a spec that exhausts the worker heap ends only the worker, with a clear error; the next chart renders', async () => {
    const renderer = new ChartRenderer({ timeoutMs: 120_000, memoryMb: 160 });
    const request = UNBOUNDED;
    try {
      await expect(
        renderer.render({
          ...request,
          spec: {
            data: { sequence: { start: 0, stop: 3e7 } },
            mark: 'point',
            encoding: { x: { field: 'data', type: 'quantitative' } },
          },
        }),
      ).rejects.toThrow('the chart needed more than 160 MB of memory');
      const output = await renderer.render({ ...request, spec: bars({ data: { url: 'sales.csv' } }) });
      expect(output.width).toBeGreaterThan(0);
    } finally {
      await renderer.close();
    }
  });
});

describe('chart worker environment', () => {
  it.skipIf(process.platform !== 'linux')(
    'the worker process gets none of the bot’s environment (no secrets) and runs with --permission',
    async () => {
      process.env.TOOLSMITH_CHART_TEST_SECRET = 'sk-ant-do-not-leak';
      const renderer = new ChartRenderer({ timeoutMs: 60_000 });
      try {
        await renderer.render({
          spec: bars({ data: { url: 'sales.csv' } }),
          scale: 1,
          svg: false,
          files: { 'sales.csv': SALES },
          maxPoints: LIMITS.maxPoints,
          maxPixels: LIMITS.maxPixels,
        });
        const workers: string[] = [];
        for (const pid of await readdir('/proc')) {
          if (!/^\d+$/.test(pid)) continue;
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          if (cmdline.includes('chart-worker.ts') && ppid === process.pid) {
            workers.push(await readFile(`/proc/${pid}/environ`, 'utf8'));
            // ... and it runs under the permission model tested below.
            expect(cmdline.split('\0')).toContain('--permission');
          }
        }
        // This renderer's worker, and the shared hub's when its tests ran first.
        expect(workers.length).toBeGreaterThanOrEqual(1);
        for (const environ of workers) {
          expect(environ).not.toContain('sk-ant-do-not-leak');
          expect(environ).not.toContain('PATH=');
        }
      } finally {
        delete process.env.TOOLSMITH_CHART_TEST_SECRET;
        await renderer.close();
      }
    },
  );
});

describe('chart worker permissions', () => {
  // What code that escaped Vega's expression sandbox in the worker could do: run it under the same flags.
  const attempt = (code: string) =>
    spawnSync(process.execPath, [...chartWorkerPermissions(), '-e', code], { env: {}, encoding: 'utf8' });

  it('reads its libraries, but not the workspaces, the project folder (.env) or the system', async () => {
    expect(attempt(`require('vega-lite/vega-lite-schema.json'); process.exit(7)`).status).toBe(7);
    for (const file of [
      path.join(workspaceDir, 'sales.csv'),
      path.resolve('.env.example'),
      '/etc/hostname',
    ]) {
      const result = attempt(`require('node:fs').readFileSync(${JSON.stringify(file)})`);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('ERR_ACCESS_DENIED');
    }
  });

  it('writes nothing and starts no process or thread', () => {
    for (const code of [
      `require('node:fs').writeFileSync(${JSON.stringify(path.join(base, 'pwned.txt'))}, 'x')`,
      `require('node:child_process').execSync('id')`,
      `new (require('node:worker_threads').Worker)('1', { eval: true })`,
    ]) {
      const result = attempt(code);
      expect(result.stderr).toContain('ERR_ACCESS_DENIED');
    }
  });
});

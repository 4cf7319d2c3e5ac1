/**
 * The built-in chart server through the hub (in-process MCP, the real path) with the real libraries:
 * Vega-Lite and Vega lay the chart out, resvg draws it with the shipped DejaVu fonts, and the PNG is
 * decoded with pngjs. Also the spec errors, the points and pixel limits, the quota and the confinement
 * to the session's workspace (the worker's own limits are in chart-worker.test.ts).
 */

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';
import { bars, LIMITS, SALES } from './chart-fixtures.ts';

// Most tests start a chart worker (Vega loads, the Vega-Lite schema compiles): seconds on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let base: string;
let workspaceDir: string;
let hub: ToolHub;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'toolsmith-chart-'));
  workspaceDir = path.join(base, 'session');
  await mkdir(workspaceDir, { recursive: true });
  await writeFile(path.join(workspaceDir, 'sales.csv'), SALES);
  await mkdir(path.join(base, 'outside'));
  await writeFile(path.join(base, 'outside', 'secret.csv'), 'Region,Revenue\nSecret,1\n');
  hub = await createToolHub({ workspace: { maxFileBytes: LIMITS.maxFileBytes }, chart: LIMITS });
});
afterAll(async () => {
  await hub.close();
  await rm(base, { recursive: true, force: true });
});

const render = (input: Record<string, unknown>, dir = workspaceDir) =>
  hub.call('chart', 'render', input, { workspaceDir: dir });

const Result = (value: unknown) => value as { path: string; bytes: number; width: number; height: number };

async function decode(relative: string): Promise<PNG> {
  const bytes = await readFile(path.join(workspaceDir, relative));
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return PNG.sync.read(bytes);
}

/** Pixels that are not (near) white. */
function inked(png: PNG): number {
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if ((png.data[i] ?? 255) < 200 || (png.data[i + 1] ?? 255) < 200 || (png.data[i + 2] ?? 255) < 200)
      count++;
  }
  return count;
}

describe('chart render', () => {
  it('draws a PNG of the asked size from a workspace CSV, which decodes', async () => {
    const result = Result(
      await render({
        spec: bars({ data: { url: 'sales.csv' }, title: 'Revenue by region' }),
        path: 'charts/revenue',
        width: 400,
        height: 300,
        scale: 2,
      }),
    );
    expect(result).toMatchObject({ path: 'charts/revenue.png', width: 800, height: 600 });
    const png = await decode('charts/revenue.png');
    expect([png.width, png.height]).toEqual([800, 600]);
    expect(result.bytes).toBe((await readFile(path.join(workspaceDir, 'charts/revenue.png'))).length);
    expect(inked(png)).toBeGreaterThan(20_000);
  });

  it('reads the data from the dataFile argument as well, and writes an SVG beside the PNG', async () => {
    const result = await render({ spec: bars(), dataFile: 'sales.csv', path: 'b.png', svg: true, scale: 1 });
    expect(result).toMatchObject({ path: 'b.png', svgPath: 'b.svg' });
    const svg = await readFile(path.join(workspaceDir, 'b.svg'), 'utf8');
    for (const region of ['North', 'South', 'East', 'West']) expect(svg).toContain(`>${region}</text>`);
    expect(svg).toContain('font-family="DejaVu Sans"');
  });

  it.each([
    ['the default font', undefined],
    ['a font the machine lacks (drawn in DejaVu Sans)', 'Helvetica Neue, Arial'],
    ['a generic family', 'monospace'],
  ])('draws text with real glyphs in %s: an axis title adds inked rows below the plot', async (_, font) => {
    const spec = (title: string | null) =>
      bars({
        data: { url: 'sales.csv' },
        ...(font ? { config: { font } } : {}),
        width: 240,
        height: 160,
        encoding: {
          x: { field: 'Region', type: 'nominal', title },
          y: { field: 'Revenue', type: 'quantitative' },
        },
      });
    await render({ spec: spec('Sales territory'), path: 'titled.png', scale: 1, svg: true });
    await render({ spec: spec(null), path: 'untitled.png', scale: 1 });
    const [titled, untitled] = [await decode('titled.png'), await decode('untitled.png')];
    expect(titled.width).toBe(untitled.width);
    expect(titled.height).toBeGreaterThan(untitled.height + 8);
    // The rows the title added hold its glyphs (with no usable font resvg draws no text at all).
    const rows = new PNG({ width: titled.width, height: titled.height - untitled.height });
    titled.data.copy(rows.data, 0, untitled.height * titled.width * 4);
    expect(inked(rows)).toBeGreaterThan(100);
    expect(await readFile(path.join(workspaceDir, 'titled.svg'), 'utf8')).toContain(
      '>Sales territory</text>',
    );
  });

  it('takes inline data, and reports the chart size in pixels', async () => {
    const values = Array.from({ length: 50 }, (_, i) => ({ x: i, y: Math.sin(i / 5) }));
    const result = Result(
      await render({
        spec: {
          data: { values },
          mark: 'line',
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
        path: 'line.png',
        width: 320,
        height: 240,
        scale: 1,
      }),
    );
    expect([result.width, result.height]).toEqual([320, 240]);
  });
});

describe('chart errors name what is wrong', () => {
  it('a misspelt mark, channel or property is named with the close name', async () => {
    await expect(
      render({ spec: bars({ data: { url: 'sales.csv' }, mark: 'barr' }), path: 'x.png' }),
    ).rejects.toThrow(/mark is "barr".*did you mean "bar"/);
    const colr = bars({ data: { url: 'sales.csv' } });
    (colr.encoding as Record<string, unknown>).colr = { field: 'Region', type: 'nominal' };
    await expect(render({ spec: colr, path: 'x.png' })).rejects.toThrow(
      'unknown property "colr" in encoding; did you mean "color"?',
    );
    await expect(
      render({
        spec: {
          data: { url: 'sales.csv' },
          mark: 'bar',
          encoding: { x: { field: 'Region', type: 'nominl' } },
        },
        path: 'x.png',
      }),
    ).rejects.toThrow(/encoding\.x\.type is "nominl".*did you mean "nominal"/);
  });

  it('a field not in the data says which field and which fields there are', async () => {
    const spec = bars({ data: { url: 'sales.csv' } });
    (spec.encoding as { y: { field: string } }).y.field = 'Revnue';
    await expect(render({ spec, path: 'x.png' })).rejects.toThrow(
      'field "Revnue" (encoding.y.field) is not in the data; its fields are: Region, Revenue, Units. Did you mean "Revenue"?',
    );
  });

  it('fields made by transforms count as data fields', async () => {
    const result = await render({
      spec: {
        data: { url: 'sales.csv' },
        transform: [{ calculate: 'datum.Revenue / datum.Units', as: 'PerUnit' }],
        mark: 'bar',
        encoding: { x: { field: 'Region', type: 'nominal' }, y: { field: 'PerUnit', type: 'quantitative' } },
      },
      path: 'per-unit.png',
      scale: 1,
    });
    expect(result).toMatchObject({ path: 'per-unit.png' });
  });

  it('an expression calling an unknown function is an error, not an empty chart', async () => {
    await expect(
      render({
        spec: bars({
          data: { url: 'sales.csv' },
          transform: [{ calculate: 'readFile("/etc/passwd")', as: 'z' }],
        }),
        path: 'x.png',
      }),
    ).rejects.toThrow(/Unrecognized function: readFile/);
  });
});

describe('chart expressions cannot reach the host', () => {
  it.each([
    "constructor.constructor('return process')()",
    "datum['constructor']['constructor']('return globalThis.process.exit(1)')()",
    'process.exit()',
    'this.process',
  ])('refuses %s', async (expression) => {
    await expect(
      render({
        spec: bars({ data: { url: 'sales.csv' }, transform: [{ calculate: expression, as: 'z' }] }),
        path: 'x.png',
      }),
    ).rejects.toThrow(/cannot (parse|compile) the spec/);
  });
});

describe('chart limits', () => {
  it('refuses more data points than the limit, before drawing', async () => {
    const values = Array.from({ length: LIMITS.maxPoints + 1 }, (_, i) => ({ x: i, y: i }));
    await expect(
      render({
        spec: { data: { values }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } },
        path: 'x.png',
      }),
    ).rejects.toThrow(
      `the chart has ${LIMITS.maxPoints + 1} data points, over the limit of ${LIMITS.maxPoints}`,
    );
    await expect(
      render({
        spec: {
          data: { sequence: { start: 0, stop: 1e9 } },
          mark: 'point',
          encoding: { x: { field: 'data', type: 'quantitative' } },
        },
        path: 'x.png',
      }),
    ).rejects.toThrow('the chart has 1000000000 data points');
  });

  it('refuses a chart over the pixel limit', async () => {
    await expect(
      render({
        spec: bars({ data: { url: 'sales.csv' } }),
        path: 'x.png',
        width: 2000,
        height: 1000,
        scale: 2,
      }),
    ).rejects.toThrow(/the chart would be 4000x2000 pixels, over the limit of 2000000 pixels/);
  });
});

describe('chart quota', () => {
  it('counts chart files against the workspace quota: a chart that does not fit is not written', async () => {
    const small = await createToolHub({ workspace: false, chart: { ...LIMITS, maxWorkspaceBytes: 2_000 } });
    const dir = path.join(base, 'small');
    await mkdir(dir);
    await writeFile(path.join(dir, 'sales.csv'), SALES);
    try {
      await expect(
        small.call(
          'chart',
          'render',
          { spec: bars({ data: { url: 'sales.csv' } }), path: 'big.png' },
          { workspaceDir: dir },
        ),
      ).rejects.toThrow(
        /writing "big.png" would bring the workspace to .* over its quota .*WORKSPACE_MAX_BYTES/,
      );
      await expect(readFile(path.join(dir, 'big.png'))).rejects.toThrow(/ENOENT/);
    } finally {
      await small.close();
    }
  });

  it('shares one quota with the workspace tools: what they wrote a moment ago counts', async () => {
    const dir = path.join(base, 'shared');
    await mkdir(dir);
    await writeFile(path.join(dir, 'sales.csv'), SALES);
    const spec = bars({ data: { url: 'sales.csv' } });
    const png = Result(await render({ spec, path: 'probe.png', scale: 1 }));
    const quota = SALES.length + 2 * png.bytes + 10_000 - 1;
    const shared = await createToolHub({
      workspace: { maxFileBytes: LIMITS.maxFileBytes, maxWorkspaceBytes: quota },
      chart: LIMITS,
    });
    const call = (server: string, tool: string, input: Record<string, unknown>) =>
      shared.call(server, tool, input, { workspaceDir: dir });
    try {
      await call('chart', 'render', { spec, path: 'a.png', scale: 1 });
      await call('workspace', 'write', { path: 'notes.txt', content: 'x'.repeat(10_000) });
      // One byte short for the second chart: the chart server sees the workspace tools' write at once.
      await expect(call('chart', 'render', { spec, path: 'b.png', scale: 1 })).rejects.toThrow(
        /writing "b.png" would bring the workspace to .* over its quota/,
      );
      await expect(readFile(path.join(dir, 'b.png'))).rejects.toThrow(/ENOENT/);
    } finally {
      await shared.close();
    }
  });
});

describe('chart confinement', () => {
  it('refuses data and output paths outside the workspace', async () => {
    await expect(render({ spec: bars(), dataFile: '../outside/secret.csv', path: 'x.png' })).rejects.toThrow(
      /climbs out with "\.\."/,
    );
    await expect(
      render({ spec: bars({ data: { url: path.join(base, 'outside', 'secret.csv') } }), path: 'x.png' }),
    ).rejects.toThrow(/is absolute/);
    await expect(
      render({ spec: bars({ data: { url: 'sales.csv' } }), path: '../escape.png' }),
    ).rejects.toThrow(/climbs out/);
    await symlink(path.join(base, 'outside'), path.join(workspaceDir, 'link'));
    await expect(render({ spec: bars(), dataFile: 'link/secret.csv', path: 'x.png' })).rejects.toThrow(
      /outside the workspace through a symlink/,
    );
  });

  it('loads nothing by URL: no http(s) data, no file: URLs, no image marks', async () => {
    for (const url of ['https://example.com/sales.csv', 'file:///etc/passwd', '//example.com/x.csv']) {
      await expect(render({ spec: bars({ data: { url } }), path: 'x.png' })).rejects.toThrow(
        /charts read only files in the workspace/,
      );
    }
    await expect(
      render({
        spec: {
          data: { values: [{ u: '/etc/hosts' }] },
          mark: 'image',
          encoding: { url: { field: 'u', type: 'nominal' } },
        },
        path: 'x.png',
      }),
    ).rejects.toThrow('image marks are not supported');
  });
});

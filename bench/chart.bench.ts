/**
 * Chart render time. The full tool call (hub -> in-process MCP -> worker process: schema check, data
 * read from the workspace, Vega-Lite, Vega, resvg -> PNG written to the workspace) against its
 * baseline, the same render called directly in this process (no MCP, no worker, no file written).
 * The first chart of a hub (the worker starting: Vega and the schema's validator loaded) against a
 * warm call, and what that validator costs a new process: loaded as npm ci built it (with its code
 * cache), or compiled. Last, what interpreting spec expressions (vega-interpreter, so no spec becomes
 * JavaScript code) costs against Vega's default code generation, on the dataflow of the scatter.
 * Each pair is timed round robin in rounds (bench/measure.ts), so load on the machine falls on both
 * alike; its ratio is the median of the per-round ratios, with their range.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { readChartFiles } from '../src/tools/builtin/chart/chart-files.ts';
import { createRenderChart, type RenderRequest } from '../src/tools/builtin/chart/render-chart.ts';
import { CACHE_DIR } from '../src/tools/builtin/chart/schema-validator.ts';
import { createToolHub } from '../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../src/tools/types.ts';
import { against, type BenchRow, roundRobin, rowOf } from './measure.ts';

const execFileAsync = promisify(execFile);
const VALIDATOR_MODULE = new URL('../src/tools/builtin/chart/schema-validator.ts', import.meta.url).href;

const LIMITS = {
  maxFileBytes: 10 * 1024 * 1024,
  maxPixels: 4096 * 4096,
  maxPoints: 100_000,
  timeoutMs: 60_000,
};

const SALES = `Region,Revenue,Units\n${['North', 'South', 'East', 'West', 'Central', 'Islands']
  .map((region, i) => `${region},${100 + i * 17.5},${3 + i}`)
  .join('\n')}\n`;

const barSpec = {
  data: { url: 'sales.csv' },
  title: 'Revenue by region',
  mark: 'bar',
  encoding: {
    x: { field: 'Region', type: 'nominal' },
    y: { field: 'Revenue', type: 'quantitative' },
    color: { field: 'Region', type: 'nominal' },
  },
};

const points = Array.from({ length: 5000 }, (_, i) => ({
  x: i,
  y: Math.sin(i / 100) * 50 + (i % 37),
  g: i % 5,
}));
const scatterSpec = {
  data: { values: points },
  mark: { type: 'point', size: 8 },
  encoding: {
    x: { field: 'x', type: 'quantitative' },
    y: { field: 'y', type: 'quantitative' },
    color: { field: 'g', type: 'nominal' },
  },
};

/** A baseline and its contender timed round robin in `rounds` rounds of `perRound` calls each. */
async function interleaved(
  rounds: number,
  perRound: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number[][], number[][]]> {
  const [base = [], other = []] = await roundRobin([a, b], { rounds, perRound, warmup: 1 });
  return [base, other];
}

export default async function (): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-chart-bench-'));
  await writeFile(path.join(dir, 'sales.csv'), SALES);
  const root = await realpath(dir);
  const render = createRenderChart();
  // The direct render reads the workspace file as the tool does, then renders it in this process.
  const direct = async (spec: Record<string, unknown>) => {
    const files = await readChartFiles(spec, { root, maxFileBytes: LIMITS.maxFileBytes });
    const request: RenderRequest = { spec, files, scale: 2, svg: false, ...LIMITS };
    return render(request);
  };
  const hub: ToolHub = await createToolHub({ workspace: false, chart: LIMITS });
  const call = (target: ToolHub, spec: Record<string, unknown>, file: string) =>
    target.call('chart', 'render', { spec, path: file, scale: 2 }, { workspaceDir: dir });
  const rows: BenchRow[] = [];
  try {
    const [barBase, barTool] = await interleaved(
      8,
      5,
      () => direct(barSpec),
      () => call(hub, barSpec, 'bar.png'),
    );
    rows.push(
      rowOf('bar chart (6 rows from a workspace CSV), rendered in this process (baseline)', barBase),
      against('tools.chart.render: the same bar chart, via MCP + worker, PNG written', barBase, barTool),
    );

    const [scatterBase, scatterTool] = await interleaved(
      5,
      3,
      () => direct(scatterSpec),
      () => call(hub, scatterSpec, 'scatter.png'),
    );
    rows.push(
      rowOf('scatter (5000 inline points), rendered in this process (baseline)', scatterBase),
      against('tools.chart.render: the same scatter, via MCP + worker', scatterBase, scatterTool),
    );

    const [warm, cold] = await interleaved(
      5,
      1,
      () => call(hub, barSpec, 'warm.png'),
      async () => {
        const fresh = await createToolHub({ workspace: false, chart: LIMITS });
        try {
          await call(fresh, barSpec, 'cold.png');
        } finally {
          await fresh.close();
        }
      },
    );
    rows.push(
      rowOf('bar chart on a hub whose worker is running (baseline)', warm),
      against('first chart of a new hub (worker start: Vega, the validator)', warm, cold),
    );

    // What a chart worker does first, in a fresh Node each time: load the validator npm ci built, or
    // (without it) compile the Vega-Lite schema.
    const validatorIn = (folder: string) => () =>
      execFileAsync(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(VALIDATOR_MODULE)}); m.loadSchemaValidator(${JSON.stringify(folder)});`,
      ]);
    const [built, compiled] = await interleaved(3, 2, validatorIn(CACHE_DIR), validatorIn(dir));
    rows.push(
      rowOf('a new Node loads the Vega-Lite validator npm ci built (baseline)', built),
      against('a new Node compiles the Vega-Lite schema (no built validator)', built, compiled),
    );

    const dataflow = vega.parse(compile(scatterSpec as TopLevelSpec).spec);
    const dataflowAst = vega.parse(compile(scatterSpec as TopLevelSpec).spec, undefined, {
      ast: true,
    });
    const run = async (interpret: boolean) => {
      const view = interpret
        ? new vega.View(dataflowAst, { renderer: 'none', expr: expressionInterpreter })
        : new vega.View(dataflow, { renderer: 'none' });
      await view.runAsync();
      view.finalize();
    };
    const [generated, interpreted] = await interleaved(
      5,
      3,
      () => run(false),
      () => run(true),
    );
    rows.push(
      rowOf('scatter dataflow (Vega run), expressions compiled to JS (Vega default; baseline)', generated),
      against('scatter dataflow (Vega run), expressions interpreted (as charts run)', generated, interpreted),
    );
  } finally {
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * The built-in `chart` MCP server: `render` draws a Vega-Lite spec into a PNG (and optionally an SVG) in
 * the session's workspace, from which the front ends send it back like any file the code wrote. The
 * workspace comes from the request's `_meta`, as for the workspace server; rendering runs in a worker
 * process with a time and memory limit (see chart-renderer.ts).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ToolError } from '../../tool-error.ts';
import { ok } from '../tool-result.ts';
import { relativeTo, resolveInside, workspaceRoot } from '../workspace-paths.ts';
import {
  createWorkspaceQuota,
  DEFAULT_WORKSPACE_MAX_BYTES,
  type WorkspaceQuota,
} from '../workspace-quota.ts';
import { WORKSPACE_META_KEY } from '../workspace-server.ts';
import { readChartFiles, withChartOptions } from './chart-files.ts';
import { ChartRenderer } from './chart-renderer.ts';

export interface ChartServerOptions {
  /** Largest file read (data) or written (the PNG or SVG), in bytes. */
  maxFileBytes: number;
  /** Most pixels (width x height, after scale) of one chart. */
  maxPixels: number;
  /** Most data points (rows over all data sources) of one chart. */
  maxPoints: number;
  /** Longest one render may take, in ms. */
  timeoutMs: number;
  /** Heap limit of the render worker, in MB (default 512). */
  memoryMb?: number;
  /** The workspace quota (WORKSPACE_MAX_BYTES) the chart files count against (default 1 GiB). */
  maxWorkspaceBytes?: number;
  /** The quota shared with the workspace server, so writes to a workspace run one at a time. */
  quota?: WorkspaceQuota;
}

const Meta = z.object({ [WORKSPACE_META_KEY]: z.string().min(1) });

const RenderInput = {
  spec: z
    .record(z.string(), z.unknown())
    .describe('The Vega-Lite spec, e.g. { mark: "bar", encoding: { x: {...}, y: {...} } }'),
  path: z
    .string()
    .min(1)
    .describe('Where to write the PNG, relative to the workspace, e.g. "charts/revenue.png"'),
  dataFile: z
    .string()
    .optional()
    .describe('A workspace file (CSV, TSV or JSON) to use as the data, instead of spec.data'),
  width: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Width of the whole chart in CSS pixels (sets spec.width, fitted with padding)'),
  height: z.number().int().positive().optional().describe('Height of the whole chart in CSS pixels'),
  scale: z
    .number()
    .min(0.25)
    .max(8)
    .optional()
    .describe('Pixels per CSS pixel (default 2, sharp on high-density screens)'),
  svg: z.boolean().optional().describe('Also write an SVG beside the PNG (default false)'),
};

const RenderOutput = {
  path: z.string(),
  bytes: z.number(),
  width: z.number().describe('PNG width in pixels'),
  height: z.number().describe('PNG height in pixels'),
  svgPath: z.string().optional(),
  warnings: z.array(z.string()).optional(),
};

type RenderArgs = z.infer<z.ZodObject<typeof RenderInput>>;
type RenderResult = z.infer<z.ZodObject<typeof RenderOutput>>;

/** What a render call needs besides its arguments. */
interface ChartContext {
  options: ChartServerOptions;
  renderer: ChartRenderer;
  quota: WorkspaceQuota;
}

/** A new chart server (one per connection); closing it ends its render worker. */
export function createChartServer(options: ChartServerOptions): McpServer {
  const server = new McpServer({ name: 'toolsmith-chart', version: '0.1.0' });
  const renderer = new ChartRenderer({
    timeoutMs: options.timeoutMs,
    ...(options.memoryMb ? { memoryMb: options.memoryMb } : {}),
  });
  server.server.onclose = () => void renderer.close();
  const quota =
    options.quota ??
    createWorkspaceQuota({ maxBytes: options.maxWorkspaceBytes ?? DEFAULT_WORKSPACE_MAX_BYTES });
  const context: ChartContext = { options, renderer, quota };

  server.registerTool(
    'render',
    {
      description: `Draw a chart from a Vega-Lite v6 spec into a PNG file in the workspace (sent back to the user like other files written there). Data: inline (data: { values: [...] }), or a workspace file (data: { url: "sales.csv" } or the dataFile argument; CSV, TSV, JSON). Text is drawn in DejaVu Sans. Limits: ${options.maxPoints} data points, ${options.maxPixels} pixels; image marks are not supported. A wrong property or field name is an error naming it.`,
      inputSchema: RenderInput,
      outputSchema: RenderOutput,
    },
    (input, extra) =>
      ok(
        () => renderChart(context, input, extra),
        (result) =>
          `wrote ${result.path} (${result.width}x${result.height} px, ${result.bytes} bytes)${result.svgPath ? ` and ${result.svgPath}` : ''}${result.warnings ? `; warnings: ${result.warnings.join('; ')}` : ''}`,
      ),
  );
  return server;
}

/** Render the spec in the worker and write the PNG (and SVG) into the call's workspace. */
async function renderChart(
  { options, renderer, quota }: ChartContext,
  input: RenderArgs,
  extra: { _meta?: Record<string, unknown>; signal?: AbortSignal },
): Promise<RenderResult> {
  const meta = Meta.safeParse(extra._meta ?? {});
  if (!meta.success) throw new ToolError('no workspace is bound to this call');
  const root = await workspaceRoot(meta.data[WORKSPACE_META_KEY]);
  const target = /\.png$/i.test(input.path) ? input.path : `${input.path}.png`;
  const pngFile = await resolveInside(root, target);
  const svgFile = input.svg ? await resolveInside(root, target.replace(/\.png$/i, '.svg')) : undefined;
  const spec = withChartOptions(input.spec, input);
  const output = await renderer.render(
    {
      spec,
      files: await readChartFiles(spec, { root, maxFileBytes: options.maxFileBytes }),
      scale: input.scale ?? 2,
      svg: input.svg ?? false,
      maxPoints: options.maxPoints,
      maxPixels: options.maxPixels,
    },
    extra.signal,
  );
  const files: [string, Uint8Array][] = [[pngFile, output.png]];
  if (svgFile && output.svg !== undefined) files.push([svgFile, Buffer.from(output.svg, 'utf8')]);
  await writeChartFiles({ quota, root, files, maxFileBytes: options.maxFileBytes });
  return {
    path: relativeTo(root, pngFile),
    bytes: output.png.length,
    width: output.width,
    height: output.height,
    ...(svgFile ? { svgPath: relativeTo(root, svgFile) } : {}),
    ...(output.warnings.length > 0 ? { warnings: output.warnings } : {}),
  };
}

/** Write the files, each within the file limit and all within the workspace quota. */
async function writeChartFiles({
  quota,
  root,
  files,
  maxFileBytes,
}: {
  quota: WorkspaceQuota;
  root: string;
  files: [string, Uint8Array][];
  maxFileBytes: number;
}): Promise<void> {
  for (const [file, bytes] of files) {
    if (bytes.length > maxFileBytes)
      throw new ToolError(
        `"${relativeTo(root, file)}" would be ${bytes.length} bytes, over the ${maxFileBytes}-byte file limit; make the chart smaller`,
      );
  }
  await quota.exclusive(root, async (ledger) => {
    for (const [file, bytes] of files) {
      const existing = await stat(file).then(
        (info) => info.size,
        () => 0,
      );
      ledger.check(bytes.length - existing, `writing "${relativeTo(root, file)}"`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      ledger.add(bytes.length - existing);
    }
  });
}

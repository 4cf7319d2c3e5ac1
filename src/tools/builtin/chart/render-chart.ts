/**
 * One chart, spec to PNG, as the chart worker runs it: the spec is checked against the Vega-Lite schema,
 * its data inlined from the workspace and counted, its fields checked, then compiled by Vega-Lite, laid
 * out by Vega (expressions interpreted, no loader: nothing is fetched) and drawn by resvg with the
 * shipped DejaVu fonts, whose glyph advances Vega measures text with.
 */
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ToolError } from '../../tool-error.ts';
import { inlineChartData } from './chart-data.ts';
import { isObject, type Json } from './chart-files.ts';
import { CHART_FONT_FAMILY, chartFonts } from './chart-fonts.ts';
import { checkFields } from './check-fields.ts';
import { type FontMetrics, readFontMetrics } from './font-metrics.ts';
import { createSpecChecker } from './spec-checker.ts';

export interface RenderRequest {
  /** The spec, with the tool's options already in it (see withChartOptions). */
  spec: Json;
  /** The text of each workspace file the spec names, by URL (see readChartFiles). */
  files: Record<string, string>;
  /** Pixels per CSS pixel. */
  scale: number;
  svg: boolean;
  maxPoints: number;
  maxPixels: number;
}

export interface RenderOutput {
  png: Uint8Array;
  svg?: string;
  width: number;
  height: number;
  /** What Vega-Lite or Vega said about the spec without refusing it. */
  warnings: string[];
}

export type RenderChart = (request: RenderRequest) => Promise<RenderOutput>;

interface TextItem {
  fontSize?: unknown;
  fontWeight?: unknown;
  limit?: unknown;
}

/**
 * Set Vega up for this process (its text measuring is a module-wide setting, one more reason this runs
 * in a worker of its own) and return the renderer.
 */
export function createRenderChart(): RenderChart {
  const fonts = chartFonts();
  measureTextWith(readFontMetrics(readFileSync(fonts.regular)), readFontMetrics(readFileSync(fonts.bold)));
  const checkSpec = createSpecChecker();
  const fontOptions: ResvgFonts = {
    loadSystemFonts: false,
    fontFiles: fonts.files,
    defaultFontFamily: CHART_FONT_FAMILY,
    sansSerifFamily: CHART_FONT_FAMILY,
    serifFamily: CHART_FONT_FAMILY,
    monospaceFamily: CHART_FONT_FAMILY,
    cursiveFamily: CHART_FONT_FAMILY,
    fantasyFamily: CHART_FONT_FAMILY,
  };
  return async (request) => {
    const spec = await checkedSpec(checkSpec, request);
    const warnings: string[] = [];
    const errors: string[] = [];
    const logger = collectingLogger(warnings, errors);
    const view = viewOf(spec, logger);
    try {
      const svg = await view.toSVG(request.scale);
      // Vega logs a failing dataflow operator (a bad expression, say) and goes on with an empty chart.
      if (errors.length > 0)
        throw new ToolError(`Vega cannot draw the spec: ${[...new Set(errors)].join('; ')}`);
      const image = drawPng(svg, request.maxPixels, fontOptions);
      return {
        png: image.asPng(),
        ...(request.svg ? { svg } : {}),
        width: image.width,
        height: image.height,
        warnings: [...new Set(warnings)],
      };
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError(`Vega cannot draw the spec: ${messageOf(error)}`);
    } finally {
      view.finalize();
    }
  };
}

type ResvgFonts = NonNullable<ConstructorParameters<typeof Resvg>[1]>['font'];

/** Vega measures text with the glyph advances of the fonts resvg draws with. */
function measureTextWith(regular: FontMetrics, bold: FontMetrics): void {
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const size = item.fontSize == null ? 11 : Number(item.fontSize) || 0;
    const weight = item.fontWeight;
    const font = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600 ? bold : regular;
    const width = font.width(text == null ? '' : String(text).trim(), size);
    const limit = Number(item.limit);
    return limit > 0 ? Math.min(width, limit) : width;
  };
}

/** A copy of the request's spec: checked against the schema, its data inlined and counted, its fields checked. */
async function checkedSpec(
  checkSpec: ReturnType<typeof createSpecChecker>,
  request: RenderRequest,
): Promise<Json> {
  const spec = structuredClone(request.spec);
  const invalid = checkSpec(spec);
  if (invalid) throw new ToolError(`invalid Vega-Lite spec: ${invalid}`);
  const data = await inlineChartData(spec, { files: request.files });
  if (data.points > request.maxPoints) {
    throw new ToolError(
      `the chart has ${data.points} data points, over the limit of ${request.maxPoints} (CHART_MAX_POINTS); aggregate or sample the data in code first`,
    );
  }
  checkFields(spec, data);
  const config = isObject(spec.config) ? spec.config : {};
  spec.config = { font: CHART_FONT_FAMILY, ...config };
  return spec;
}

/** The spec compiled by Vega-Lite and parsed into a Vega view that loads nothing. */
function viewOf(spec: Json, logger: vega.LoggerInterface): vega.View {
  let compiled: ReturnType<typeof compile>;
  try {
    // The schema check in checkedSpec is what makes this a TopLevelSpec.
    compiled = compile(spec as unknown as TopLevelSpec, { logger });
  } catch (error) {
    throw new ToolError(`Vega-Lite cannot compile the spec: ${messageOf(error)}`);
  }
  refuseImages(compiled.spec);
  try {
    return new vega.View(vega.parse(compiled.spec, undefined, { ast: true }), {
      renderer: 'none',
      expr: expressionInterpreter,
      loader: noLoader,
      logger,
      logLevel: vega.Warn,
    });
  } catch (error) {
    throw new ToolError(`Vega cannot parse the spec: ${messageOf(error)}`);
  }
}

/** The SVG drawn by resvg, within the pixel limit. */
function drawPng(svg: string, maxPixels: number, font: ResvgFonts) {
  const size = /^<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  const width = Math.ceil(Number(size?.[1] ?? 0));
  const height = Math.ceil(Number(size?.[2] ?? 0));
  if (width * height > maxPixels) {
    throw new ToolError(
      `the chart would be ${width}x${height} pixels, over the limit of ${maxPixels} pixels (CHART_MAX_PIXELS); make it smaller or lower the scale`,
    );
  }
  if (width === 0 || height === 0) throw new ToolError('the chart has no area (width or height is 0)');
  return new Resvg(svg, { font, logLevel: 'off' }).render();
}

/** A loader that loads nothing: all data is inlined before Vega runs, and images are refused. */
const noLoader: vega.Loader = {
  load: async (uri) => {
    throw new ToolError(`charts load nothing by URL ("${uri}")`);
  },
  sanitize: async (uri) => {
    throw new ToolError(`charts load nothing by URL ("${uri}")`);
  },
  http: async (uri) => {
    throw new ToolError(`charts load nothing by URL ("${uri}")`);
  },
  file: async (uri) => {
    throw new ToolError(`charts load nothing by URL ("${uri}")`);
  },
};

/** Image marks would make resvg read their URL from the host's disk: they are not supported. */
function refuseImages(node: unknown): void {
  if (Array.isArray(node)) for (const item of node) refuseImages(item);
  else if (isObject(node)) {
    if (node.type === 'image' && 'encode' in node)
      throw new ToolError('image marks are not supported in charts (mark "image")');
    for (const value of Object.values(node)) refuseImages(value);
  }
}

function collectingLogger(warnings: string[], errors: string[]): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level as never;
      level = value;
      return logger as never;
    },
    error: (...args: readonly unknown[]) => {
      errors.push(args.map(messageOf).join(' '));
      return logger;
    },
    warn: (...args: readonly unknown[]) => {
      warnings.push(args.map(messageOf).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
}

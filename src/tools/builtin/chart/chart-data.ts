/**
 * The data of a chart made inline before Vega sees the spec, in the worker: every `data: { url }` is
 * replaced by the rows of the workspace file the host read for it (chart-files.ts), parsed with Vega's
 * own reader, so Vega never loads anything itself. Counts the data points on the way (inline rows, file
 * rows, named datasets, sequence generators) and records each data source's fields.
 */
import path from 'node:path';
import { read } from 'vega';
import { ToolError } from '../../tool-error.ts';
import { forEachDataSource, isObject, type Json } from './chart-files.ts';

export interface ChartDataOptions {
  /** The text of each workspace file the spec names, by URL (read by the host). */
  files: Readonly<Record<string, string>>;
}

export interface ChartData {
  /** Rows in all data sources together. */
  points: number;
  /** The fields of each data source (a `data` object of the spec, after inlining), by object. */
  fields: Map<object, Set<string>>;
  /** The fields of each named dataset (`datasets` at the top). */
  datasets: Map<string, Set<string>>;
}

const EXTENSIONS: Record<string, string> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.json': 'json',
  '.geojson': 'json',
  '.topojson': 'topojson',
};

/** Inline every workspace file the spec names (in place) and count its data points. */
export async function inlineChartData(spec: Json, options: ChartDataOptions): Promise<ChartData> {
  const result: ChartData = { points: 0, fields: new Map(), datasets: new Map() };
  const datasets = spec.datasets;
  if (isObject(datasets)) {
    for (const [name, values] of Object.entries(datasets)) {
      const rows = Array.isArray(values) ? values : [];
      result.points += Array.isArray(values) ? values.length : 1;
      result.datasets.set(name, fieldsOf(rows));
    }
  }
  await forEachDataSource(spec, (node, where) => source(node, where, options, result));
  return result;
}

function source(node: Json, where: string, options: ChartDataOptions, result: ChartData): void {
  const format = isObject(node.format) ? node.format : {};
  if (typeof node.url === 'string') {
    const rows = rowsOf(node.url, format, `${where}.url`, options);
    delete node.url;
    delete node.format;
    node.values = rows;
    result.points += rows.length;
    result.fields.set(node, fieldsOf(rows));
  } else if (Array.isArray(node.values)) {
    result.points += node.values.length;
    result.fields.set(node, fieldsOf(node.values));
  } else if (typeof node.values === 'string') {
    const rows = parse(node.values, format, `${where}.values`);
    result.points += rows.length;
  } else if (isObject(node.values)) {
    const features = node.values.features;
    result.points += Array.isArray(features) ? features.length : 1;
  } else if (isObject(node.sequence)) {
    const { start, stop, step = 1, as = 'data' } = node.sequence;
    const count =
      typeof start === 'number' && typeof stop === 'number' && typeof step === 'number' && step !== 0
        ? Math.ceil((stop - start) / step)
        : 0;
    result.points += Number.isFinite(count) ? Math.max(0, count) : Number.MAX_SAFE_INTEGER;
    result.fields.set(node, new Set([String(as)]));
  } else if (typeof node.name === 'string' && result.datasets.has(node.name)) {
    result.fields.set(node, result.datasets.get(node.name) ?? new Set());
  }
}

function rowsOf(url: string, format: Json, where: string, options: ChartDataOptions): unknown[] {
  const text = options.files[url];
  if (text === undefined) throw new ToolError(`${where}: "${url}" was not read for this chart`);
  const type =
    typeof format.type === 'string' ? format.type : (EXTENSIONS[path.extname(url).toLowerCase()] ?? 'json');
  return parse(text, { ...format, type }, where);
}

function parse(text: string, format: Json, where: string): unknown[] {
  try {
    const rows: unknown = read(text, { ...format, parse: format.parse ?? 'auto' } as Parameters<
      typeof read
    >[1]);
    return Array.isArray(rows) ? rows : [rows];
  } catch (error) {
    throw new ToolError(
      `${where}: cannot read the data as ${String(format.type ?? 'json')}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The fields of rows: their keys, or `data` for bare values (as Vega-Lite names them). */
function fieldsOf(rows: unknown[]): Set<string> {
  const fields = new Set<string>();
  for (const row of rows) {
    if (isObject(row)) for (const key of Object.keys(row)) fields.add(key);
    else fields.add('data');
  }
  return fields;
}

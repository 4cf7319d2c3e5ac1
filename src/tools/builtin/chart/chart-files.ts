/**
 * The workspace files a chart reads, read by the host before the spec goes to the worker (which may not
 * read files at all): every `data: { url }` in the spec, confined to the session's workspace like the
 * workspace tools, URLs refused, each file within the file size limit. Also the tool's own options
 * (`dataFile`, `width`, `height`) written into the spec.
 */
import { readFile, stat } from 'node:fs/promises';
import { ToolError } from '../../tool-error.ts';
import { resolveInside } from '../workspace-paths.ts';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Call `visit` for every data source of the spec (an object under a `data` key: the view's data, a
 * layer's, a lookup's `from.data`), with where it is, e.g. `layer[0].data`. Datasets and config hold none.
 */
export async function forEachDataSource(
  spec: Json,
  visit: (source: Json, where: string) => Promise<void> | void,
): Promise<void> {
  const walk = async (node: unknown, key: string | undefined, where: string): Promise<void> => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) await walk(item, undefined, `${where}[${index}]`);
      return;
    }
    if (!isObject(node)) return;
    if (key === 'data') {
      await visit(node, where);
      return;
    }
    for (const [child, value] of Object.entries(node)) {
      if (where === '' && (child === 'datasets' || child === 'config')) continue;
      await walk(value, child, where ? `${where}.${child}` : child);
    }
  };
  await walk(spec, undefined, '');
}

export interface ChartSpecOptions {
  dataFile?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

/** A copy of the spec with the tool's options in it: `dataFile` as its data, the size fitted. */
export function withChartOptions(spec: Json, options: ChartSpecOptions): Json {
  const out: Json = { ...spec };
  if (options.dataFile !== undefined) {
    if (out.data !== undefined)
      throw new ToolError('give the data either in spec.data or as dataFile, not both');
    out.data = { url: options.dataFile };
  }
  if (options.width !== undefined || options.height !== undefined) {
    if (options.width !== undefined) out.width = options.width;
    if (options.height !== undefined) out.height = options.height;
    out.autosize ??= { type: 'fit', contains: 'padding' };
  }
  return out;
}

export interface ChartFilesOptions {
  /** The workspace's real path. */
  root: string;
  maxFileBytes: number;
}

/** The text of every workspace file the spec names, by the URL it names it with. */
export async function readChartFiles(
  spec: Json,
  options: ChartFilesOptions,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  await forEachDataSource(spec, async (source, where) => {
    const url = source.url;
    if (typeof url !== 'string' || url in files) return;
    files[url] = await readWorkspaceFile(url, `${where}.url`, options);
  });
  return files;
}

async function readWorkspaceFile(url: string, where: string, options: ChartFilesOptions): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
    throw new ToolError(
      `${where} is "${url}": charts read only files in the workspace (e.g. "sales.csv"); fetch the data with the web tools and write it to the workspace first`,
    );
  }
  const file = await resolveInside(options.root, url);
  const info = await stat(file).catch(() => {
    throw new ToolError(`${where}: no such file in the workspace: "${url}"`);
  });
  if (!info.isFile()) throw new ToolError(`${where}: "${url}" is not a file`);
  if (info.size > options.maxFileBytes) {
    throw new ToolError(
      `${where}: "${url}" is ${info.size} bytes, over the ${options.maxFileBytes}-byte file limit`,
    );
  }
  return readFile(file, 'utf8');
}

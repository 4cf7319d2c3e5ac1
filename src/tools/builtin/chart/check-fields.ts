/**
 * Fields the encodings name, checked against the fields the data has (after the view's transforms),
 * because Vega-Lite draws an empty chart for a misspelt field without a word. Where a transform makes
 * fields that cannot be known before running it (pivot, lookup of a whole row, bin without `as`), the
 * views below it are not checked rather than wrongly refused.
 */
import { closeNames } from '../../../text/close-names.ts';
import { ToolError } from '../../tool-error.ts';
import type { ChartData } from './chart-data.ts';
import { isObject, type Json } from './chart-files.ts';

const CHILDREN = ['layer', 'hconcat', 'vconcat', 'concat'] as const;

/** Throws a ToolError naming the first encoded field that is not in its data, with the fields there are. */
export function checkFields(spec: Json, data: ChartData): void {
  const view = (node: Json, inherited: Set<string> | undefined, where: string): void => {
    let fields = inherited;
    if (isObject(node.data)) fields = data.fields.get(node.data);
    fields = afterTransforms(fields, node.transform);
    if (fields) {
      for (const key of ['encoding', 'facet'] as const) {
        const channels = node[key];
        if (!isObject(channels)) continue;
        if (typeof channels.field === 'string') checkField(channels.field, fields, `${where}${key}`);
        for (const [channel, def] of Object.entries(channels)) {
          for (const [index, item] of (Array.isArray(def) ? def : [def]).entries()) {
            const at = `${where}${key}.${channel}${Array.isArray(def) ? `[${index}]` : ''}`;
            if (!isObject(item)) continue;
            if (typeof item.field === 'string') checkField(item.field, fields, at);
            const condition = item.condition;
            if (isObject(condition) && typeof condition.field === 'string')
              checkField(condition.field, fields, `${at}.condition`);
          }
        }
      }
    }
    for (const key of CHILDREN) {
      const children = node[key];
      if (!Array.isArray(children)) continue;
      for (const [index, child] of children.entries())
        if (isObject(child)) view(child, fields, `${where}${key}[${index}].`);
    }
    if (isObject(node.spec) && node.repeat === undefined) view(node.spec, fields, `${where}spec.`);
  };
  view(spec, undefined, '');
}

function checkField(field: string, fields: Set<string>, where: string): void {
  if (fields.has(field) || fields.has(field.replace(/\\(.)/g, '$1'))) return;
  // "a.b" and "a[0]" reach into a nested value of field "a".
  const head = field.split(/(?<!\\)[.[]/)[0]?.replace(/\\(.)/g, '$1') ?? field;
  if (fields.has(head)) return;
  const list = [...fields];
  const near = closeNames(field, list);
  throw new ToolError(
    `field "${field}" (${where}.field) is not in the data; its fields are: ${list.join(', ') || '(none)'}${near.length ? `. Did you mean ${near.map((name) => `"${name}"`).join(' or ')}?` : ''}`,
  );
}

/** The fields after a view's transforms, or undefined where they cannot be known in advance. */
function afterTransforms(fields: Set<string> | undefined, transforms: unknown): Set<string> | undefined {
  if (!fields || !Array.isArray(transforms)) return fields;
  let out: Set<string> | undefined = new Set(fields);
  for (const transform of transforms) {
    if (!out || !isObject(transform)) return undefined;
    out = step(out, transform);
  }
  return out;
}

function step(fields: Set<string>, t: Json): Set<string> | undefined {
  const names = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === 'string')
        : [];
  const asOf = (list: unknown): string[] =>
    Array.isArray(list) ? list.flatMap((item) => (isObject(item) ? names(item.as) : [])) : [];
  const add = (...more: string[]) => new Set([...fields, ...more]);
  if ('filter' in t || 'sample' in t || 'impute' in t || 'extent' in t) return fields;
  if ('calculate' in t || 'timeUnit' in t || 'stack' in t)
    return t.as === undefined ? undefined : add(...names(t.as));
  if ('bin' in t) return t.as === undefined ? undefined : add(...names(t.as));
  if ('aggregate' in t) return new Set([...names(t.groupby), ...asOf(t.aggregate)]);
  if ('joinaggregate' in t) return add(...asOf(t.joinaggregate));
  if ('window' in t) return add(...asOf(t.window));
  if ('fold' in t) return add(...(t.as === undefined ? ['key', 'value'] : names(t.as)));
  if ('flatten' in t) return add(...(t.as === undefined ? names(t.flatten) : names(t.as)));
  if ('density' in t)
    return new Set([...names(t.groupby), ...(t.as === undefined ? ['value', 'density'] : names(t.as))]);
  if ('quantile' in t)
    return new Set([...names(t.groupby), ...(t.as === undefined ? ['prob', 'value'] : names(t.as))]);
  if ('regression' in t || 'loess' in t) {
    const as = t.as === undefined ? [...names(t.on), ...names(t.regression ?? t.loess)] : names(t.as);
    return new Set([...names(t.groupby), ...as]);
  }
  if ('lookup' in t) {
    if (t.as !== undefined) return add(...names(t.as));
    const from = t.from;
    return isObject(from) && Array.isArray(from.fields) ? add(...names(from.fields)) : undefined;
  }
  return undefined;
}

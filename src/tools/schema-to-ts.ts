/**
 * JSON Schema (as MCP servers send it, untrusted) to a compact TypeScript type for the model's prompt.
 * Handles type unions, enum/const, anyOf/oneOf/allOf, local `$ref`s (recursion becomes `unknown`),
 * OpenAPI `nullable`, tuples and index signatures; descriptions and defaults become JSDoc; nesting
 * deeper than `maxDepth` becomes `unknown`, so one odd schema cannot flood the prompt.
 */
import { isIdentifier } from '../text/identifiers.ts';

export interface SchemaToTsOptions {
  /** Object/array nesting rendered before falling back to `unknown` (default 6). */
  maxDepth?: number;
  /** Indentation of the line the type starts on (default ''). */
  indent?: string;
}

interface Rendered {
  text: string;
  /** A top-level union or intersection: needs parentheses inside `T[]`. */
  compound: boolean;
}

interface Context {
  root: unknown;
  depth: number;
  maxDepth: number;
  indent: string;
  refs: string[];
}

const UNKNOWN: Rendered = { text: 'unknown', compound: false };

/** Render `schema` as a TypeScript type. */
export function schemaToTs(schema: unknown, options: SchemaToTsOptions = {}): string {
  return render(schema, {
    root: schema,
    depth: 0,
    maxDepth: options.maxDepth ?? 6,
    indent: options.indent ?? '',
    refs: [],
  }).text;
}

/** True when the schema describes an object none of whose properties is required. */
export function allOptional(schema: unknown): boolean {
  if (!isRecord(schema)) return true;
  return !Array.isArray(schema.required) || schema.required.length === 0;
}

/** The JSDoc text of a schema: its description plus its default, or '' when it has neither. */
export function docOf(schema: unknown): string {
  if (!isRecord(schema)) return '';
  const parts: string[] = [];
  if (typeof schema.description === 'string' && schema.description.trim())
    parts.push(schema.description.trim());
  else if (typeof schema.title === 'string' && schema.title.trim()) parts.push(schema.title.trim());
  if ('default' in schema && schema.default !== undefined) {
    const text = JSON.stringify(schema.default);
    if (text !== undefined && text.length <= 60) parts.push(`(default: ${text})`);
  }
  return parts.join(' ');
}

/** A JSDoc comment at `indent`, one line when it fits; '' for empty text. */
export function jsDoc(text: string, indent: string): string {
  const clean = text.replace(/\*\//g, '*\\/').trim();
  if (!clean) return '';
  const lines = clean.split(/\r?\n/).map((line) => line.trimEnd());
  if (lines.length === 1 && clean.length + indent.length <= 100) return `${indent}/** ${clean} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

function render(schema: unknown, ctx: Context): Rendered {
  if (schema === false) return { text: 'never', compound: false };
  if (!isRecord(schema)) return UNKNOWN;
  const base = renderBase(schema, ctx);
  return schema.nullable === true ? union([base, { text: 'null', compound: false }]) : base;
}

function renderBase(schema: Record<string, unknown>, ctx: Context): Rendered {
  if (typeof schema.$ref === 'string') return renderRef(schema.$ref, ctx);
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return union(options.map((option) => render(option, ctx)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((part) => render(part, ctx)).filter((part) => part.text !== 'unknown');
    if (parts.length === 0) return UNKNOWN;
    if (parts.length === 1 && parts[0]) return parts[0];
    return { text: parts.map((p) => (p.compound ? `(${p.text})` : p.text)).join(' & '), compound: true };
  }
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  if (types.length === 0) {
    if (isRecord(schema.properties) || 'additionalProperties' in schema) return renderObject(schema, ctx);
    if ('items' in schema || 'prefixItems' in schema) return renderArray(schema, ctx);
    return UNKNOWN;
  }
  return union(
    types.map((type): Rendered => {
      switch (type) {
        case 'string':
        case 'boolean':
        case 'null':
          return { text: type, compound: false };
        case 'number':
        case 'integer':
          return { text: 'number', compound: false };
        case 'array':
          return renderArray(schema, ctx);
        case 'object':
          return renderObject(schema, ctx);
        default:
          return UNKNOWN;
      }
    }),
  );
}

function renderRef(ref: string, ctx: Context): Rendered {
  if (ctx.refs.includes(ref) || ctx.refs.length >= 16) return UNKNOWN;
  const target = resolvePointer(ctx.root, ref);
  if (target === undefined) return UNKNOWN;
  return render(target, { ...ctx, refs: [...ctx.refs, ref] });
}

/** Resolve a local JSON pointer such as `#/$defs/Issue`; undefined for remote or broken refs. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

function renderArray(schema: Record<string, unknown>, ctx: Context): Rendered {
  if (ctx.depth >= ctx.maxDepth) return { text: 'unknown[]', compound: false };
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : null;
  if (tuple)
    return { text: `[${tuple.map((item) => render(item, inner).text).join(', ')}]`, compound: false };
  const item = 'items' in schema ? render(schema.items, inner) : UNKNOWN;
  return { text: item.compound ? `(${item.text})[]` : `${item.text}[]`, compound: false };
}

function renderObject(schema: Record<string, unknown>, ctx: Context): Rendered {
  const properties = isRecord(schema.properties) ? Object.entries(schema.properties) : [];
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    if (extra === false || (isRecord(schema.properties) && extra === undefined))
      return { text: '{}', compound: false };
    const value =
      isRecord(extra) && ctx.depth < ctx.maxDepth ? render(extra, { ...ctx, depth: ctx.depth + 1 }) : UNKNOWN;
    return { text: `Record<string, ${value.text}>`, compound: false };
  }
  if (ctx.depth >= ctx.maxDepth) return { text: 'Record<string, unknown>', compound: false };
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === 'string') : [],
  );
  const inner = { ...ctx, depth: ctx.depth + 1, indent: `${ctx.indent}  ` };
  const members = properties.map(([key, value]) => ({
    doc: docOf(value),
    line: `${isIdentifier(key) ? key : JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${render(value, inner).text};`,
  }));
  if (extra === true || isRecord(extra)) members.push({ doc: '', line: '[key: string]: unknown;' });
  const oneLine = `{ ${members.map((m) => m.line.slice(0, -1)).join('; ')} }`;
  if (members.every((m) => !m.doc && !m.line.includes('\n')) && oneLine.length + ctx.indent.length <= 100) {
    return { text: oneLine, compound: false };
  }
  const body = members.map((m) => member(m.doc, m.line, inner.indent)).join('');
  return { text: `{\n${body}${ctx.indent}}`, compound: false };
}

/** One member line; a short one-line doc trails it as a `//` comment, a longer one goes above as JSDoc. */
function member(doc: string, line: string, indent: string): string {
  const trailing = `${indent}${line} // ${doc}`;
  if (doc && !doc.includes('\n') && !line.includes('\n') && trailing.length <= 110) return `${trailing}\n`;
  return `${jsDoc(doc, indent)}${indent}${line}\n`;
}

function literal(value: unknown): Rendered {
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return { text: JSON.stringify(value), compound: false };
  }
  return UNKNOWN;
}

function union(parts: Rendered[]): Rendered {
  const texts = [...new Set(parts.map((p) => (p.compound ? `(${p.text})` : p.text)))];
  if (texts.length === 0) return { text: 'never', compound: false };
  if (texts.includes('unknown')) return UNKNOWN;
  const first = parts[0];
  if (texts.length === 1 && first) return first;
  return { text: texts.join(' | '), compound: true };
}

/** A plain JSON object (not an array or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a tool call returns to the agent's code: `structuredContent` when present; a single text part
 * parsed as JSON when it parses, else the string; several parts as an array. Images, audio and binary
 * resources become small descriptive objects, so base64 never floods the model's context.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { clip } from '../text/clip.ts';

type Part = CallToolResult['content'][number];

/** A binary part, described instead of returned. */
export interface BinaryDescriptor {
  type: 'image' | 'audio' | 'resource';
  mimeType: string;
  uri?: string;
  bytes: number;
}

/** The value sandboxed code receives for a successful result. */
export function unwrapResult(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const parts = result.content ?? [];
  if (parts.length === 0) return null;
  const [only] = parts;
  if (parts.length === 1 && only?.type === 'text') return parseJsonOrText(only.text);
  return parts.map(unwrapPart);
}

/**
 * A cheap upper bound on `JSON.stringify(unwrapResult(result)).length`; `Infinity` when only
 * serializing would tell. A single text part's value serializes to at most 6 characters per
 * character of the text (a lone surrogate becomes `\udxxx`, `1e20` becomes 21 digits) plus quotes.
 */
export function maxJsonChars(result: CallToolResult): number {
  if (result.structuredContent !== undefined) return Number.POSITIVE_INFINITY;
  const parts = result.content ?? [];
  if (parts.length === 0) return 4; // null
  const [only] = parts;
  return parts.length === 1 && only?.type === 'text' ? only.text.length * 6 + 2 : Number.POSITIVE_INFINITY;
}

/** The message of an `isError` result: its text parts, joined (head and tail kept within `maxChars`). */
export function errorMessageOf(result: CallToolResult, maxChars = 4000): string {
  const text = (result.content ?? [])
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter(Boolean)
    .join('\n')
    .trim();
  if (!text) return 'the tool reported an error without a message';
  return clip(text, maxChars).text;
}

function unwrapPart(part: Part): unknown {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
    case 'audio':
      return describe(part.type, part.mimeType, base64Bytes(part.data));
    case 'resource_link':
      return {
        type: 'resource_link',
        uri: part.uri,
        name: part.name,
        ...(part.mimeType ? { mimeType: part.mimeType } : {}),
        ...(part.description ? { description: part.description } : {}),
      };
    case 'resource': {
      const resource = part.resource;
      if ('text' in resource && typeof resource.text === 'string') {
        return {
          type: 'resource',
          uri: resource.uri,
          mimeType: resource.mimeType ?? 'text/plain',
          text: resource.text,
        };
      }
      const blob = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
      return describe(
        'resource',
        resource.mimeType ?? 'application/octet-stream',
        base64Bytes(blob),
        resource.uri,
      );
    }
    default:
      return { type: 'unknown' };
  }
}

function describe(
  type: BinaryDescriptor['type'],
  mimeType: string,
  bytes: number,
  uri?: string,
): BinaryDescriptor {
  return uri === undefined ? { type, mimeType, bytes } : { type, mimeType, uri, bytes };
}

/** Decoded size of a base64 string, without decoding it. */
export function base64Bytes(data: string): number {
  const clean = data.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

function parseJsonOrText(text: string): unknown {
  const start = text.trimStart()[0];
  if (start === undefined || !'{["-0123456789tfn'.includes(start)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

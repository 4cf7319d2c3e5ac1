/**
 * The fake's CDN: every attachment (uploaded by the bot or made by a test) is stored here and served
 * back from the fake's own HTTP server at a Discord-like path, so the bot can download it.
 */
import type { APIAttachment } from 'discord-api-types/v10';
import type { SnowflakeFactory } from './snowflake.ts';
import type { AttachmentInput } from './types.ts';

interface StoredFile {
  data: Buffer;
  contentType: string;
}

export interface AttachmentStore {
  /**
   * Store bytes and describe them as Discord does. `channelId` places the file under
   * `/attachments/<channel>/...`; without it the file is an ephemeral upload (as slash command options are).
   */
  create(input: AttachmentInput, place: { channelId?: string; ephemeral?: boolean }): APIAttachment;
  /** The bytes behind an attachment (by object, id or URL), or undefined. */
  content(ref: APIAttachment | string): Buffer | undefined;
  /** The file at a request path, for the HTTP server. */
  serve(pathname: string): StoredFile | undefined;
}

export function createAttachmentStore(options: {
  ids: SnowflakeFactory;
  baseUrl: () => string;
  applicationId: string;
}): AttachmentStore {
  const byPath = new Map<string, StoredFile>();
  const pathById = new Map<string, string>();

  const pathOf = (ref: APIAttachment | string): string | undefined => {
    const text = typeof ref === 'string' ? ref : ref.url;
    if (pathById.has(text)) return pathById.get(text);
    try {
      return new URL(text, options.baseUrl()).pathname;
    } catch {
      return undefined;
    }
  };

  return {
    create(input, place) {
      const id = options.ids.next();
      const filename = sanitizeFilename(input.name);
      const data =
        typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : Buffer.from(input.content);
      const contentType = input.contentType ?? guessContentType(filename);
      const folder = place.channelId
        ? `attachments/${place.channelId}`
        : `ephemeral-attachments/${options.applicationId}`;
      const path = `/${folder}/${id}/${encodeURIComponent(filename)}`;
      byPath.set(path, { data, contentType });
      pathById.set(id, path);
      const url = `${options.baseUrl()}${path}`;
      return {
        id,
        filename,
        size: data.length,
        url,
        proxy_url: url,
        content_type: contentType,
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(place.ephemeral ? { ephemeral: true } : {}),
      };
    },
    content(ref) {
      const path = pathOf(ref);
      return path === undefined ? undefined : byPath.get(path)?.data;
    },
    serve(pathname) {
      return byPath.get(pathname);
    },
  };
}

/** Discord replaces characters outside [A-Za-z0-9._-] in uploaded file names with underscores. */
export function sanitizeFilename(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, '_');
  return cleaned.length > 0 ? cleaned : 'unknown';
}

const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  ts: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

function guessContentType(filename: string): string {
  const extension = filename.split('.').pop()?.toLowerCase() ?? '';
  return TYPES[extension] ?? 'application/octet-stream';
}

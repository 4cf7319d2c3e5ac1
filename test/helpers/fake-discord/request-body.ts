/**
 * Reads a REST request body: JSON, or multipart/form-data with `payload_json` and `files[n]` parts as
 * discord.js sends uploads. Multipart is parsed by the platform's own form-data parser (undici).
 */
import type { IncomingMessage } from 'node:http';
import { DiscordError, discordErrors } from './discord-error.ts';
import type { RecordedFile } from './types.ts';

export interface ParsedBody {
  contentType: string | undefined;
  /** The JSON body or the parsed payload_json; null when empty. */
  json: unknown;
  files: RecordedFile[];
}

/** Whole requests are capped well above any single upload limit, as Discord's edge does. */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const contentType = request.headers['content-type'];
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw discordErrors.tooLarge();
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { contentType, json: null, files: [] };
  if (contentType?.startsWith('multipart/form-data')) return parseMultipart(raw, contentType);
  if (contentType?.startsWith('application/json'))
    return { contentType, json: parseJson(raw.toString('utf8')), files: [] };
  throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
  }
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new DiscordError(
      400,
      50035,
      `Invalid Form Body: multipart body could not be parsed (${String(error)})`,
    );
  }
  let json: unknown = null;
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') json = parseJson(value);
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    files.push({
      field,
      name: value.name,
      contentType: value.type || 'application/octet-stream',
      size: data.length,
      data,
    });
  }
  return { contentType, json, files };
}

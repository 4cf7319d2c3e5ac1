/**
 * The MCP servers file in the common `mcpServers` format (Claude Desktop, Claude Code, Cursor), so a
 * team can paste what it already uses. Parsed with zod; any fault stops start-up with one ConfigError
 * naming the server, the field and what is wrong, so the bot never runs half-configured.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { expandVars } from './expand-vars.ts';

/** Names of the built-in servers; a configured server may not take them. */
export const BUILT_IN_SERVERS: readonly string[] = ['workspace', 'web'];

const Common = {
  enabled: z.boolean().optional(),
  /** Cline's spelling of `enabled: false`. */
  disabled: z.boolean().optional(),
  allowedTools: z.array(z.string().min(1)).optional(),
  disabledTools: z.array(z.string().min(1)).optional(),
  timeoutMs: z.number().int().min(100).optional(),
  requireApproval: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
  approveDestructive: z.boolean().optional(),
  connectTimeoutMs: z.number().int().min(100).optional(),
  // Keys other clients write; accepted and ignored so pasted files work.
  autoApprove: z.unknown().optional(),
  alwaysAllow: z.unknown().optional(),
  description: z.unknown().optional(),
};

const StringMap = z.record(z.string(), z.string({ error: 'expected a string' }));

const StdioSchema = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z
    .string({ error: 'expected the program to run, e.g. "npx"' })
    .min(1, 'expected the program to run'),
  args: z.array(z.string({ error: 'expected a string' })).optional(),
  env: StringMap.optional(),
  cwd: z.string().optional(),
  ...Common,
});

const HttpSchema = z.strictObject({
  type: z.enum(['http', 'sse', 'streamable-http', 'streamableHttp'], { error: 'expected "http" or "sse"' }),
  url: z.string({ error: 'expected the server URL' }),
  headers: StringMap.optional(),
  ...Common,
});

/** Pick the schema by shape, so errors speak of the fields the entry was meant to have. */
function schemaFor(raw: unknown): typeof StdioSchema | typeof HttpSchema | z.ZodNever {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return z.never({ error: SHAPES });
  const type = 'type' in raw ? raw.type : undefined;
  if ('command' in raw || type === 'stdio') return StdioSchema;
  if ('url' in raw || type !== undefined) return HttpSchema;
  return z.never({ error: SHAPES });
}

const SHAPES =
  'expected { "command", "args", "env", "cwd" } for a local server or { "type": "http" | "sse", "url", "headers" } for a remote one';

const FileSchema = z.looseObject({
  mcpServers: z.record(z.string(), z.unknown(), { error: 'expected an object of servers by name' }),
});

interface ServerCommon {
  name: string;
  enabled: boolean;
  allowedTools: string[] | undefined;
  disabledTools: string[];
  timeoutMs: number | undefined;
  connectTimeoutMs: number | undefined;
  /** Which calls wait for a person's approval (none when absent). */
  approval?: ApprovalPolicy;
}

/** `all`: every tool of the server; a list: those tools; `destructive`: tools whose MCP annotations do not say read-only. */
export interface ApprovalPolicy {
  tools: 'all' | string[];
  destructive: boolean;
}

/** A configured stdio server, variables expanded. */
export interface StdioServerConfig extends ServerCommon {
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string | undefined;
}

/** A configured remote server, variables expanded. `http` falls back to SSE when streamable HTTP fails. */
export interface HttpServerConfig extends ServerCommon {
  transport: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
}

export type McpServerConfig = StdioServerConfig | HttpServerConfig;

/**
 * Read and check the servers file. An absent file means no configured servers (built-in tools only).
 * `env` feeds `${VAR}` expansion; relative `cwd`s resolve against the file's folder.
 */
export async function loadMcpConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<McpServerConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw new ConfigError(file, `cannot read the MCP servers file`, {
      cause: error,
      fix: 'Check MCP_CONFIG',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      file,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      {
        cause: error,
        fix: 'Fix the syntax; the format is { "mcpServers": { "<name>": { "command": ..., "args": [...] } } }',
      },
    );
  }
  return parseMcpConfig(json, env, { file, baseDir: path.dirname(file) });
}

type Fail = (field: string, message: string) => never;
type ServerEntry = z.infer<typeof StdioSchema> | z.infer<typeof HttpSchema>;

/** Check an already-parsed servers file (see `loadMcpConfig`). */
export function parseMcpConfig(
  json: unknown,
  env: Record<string, string | undefined>,
  where: { file: string; baseDir: string },
): McpServerConfig[] {
  const fail: Fail = (field, message) => {
    throw new ConfigError(where.file, `${field}: ${message}`, {
      fix: 'Fix that entry of the MCP servers file (see mcp.example.json)',
    });
  };
  const file = FileSchema.safeParse(json);
  if (!file.success) return fail('mcpServers', file.error.issues[0]?.message ?? 'missing');

  const servers: McpServerConfig[] = [];
  for (const [name, raw] of Object.entries(file.data.mcpServers)) {
    const at = `mcpServers.${name}`;
    if (name.trim() === '') fail(at, 'a server needs a non-empty name');
    if (BUILT_IN_SERVERS.includes(name))
      fail(at, `"${name}" is the name of a built-in server; choose another`);
    const parsed = schemaFor(raw).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field =
        at +
        (issue?.path ?? []).map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
      fail(field, describeIssue(issue));
      continue;
    }
    servers.push(serverOf(name, parsed.data, { env, baseDir: where.baseDir, fail }));
  }
  return servers;
}

/** One checked entry as a server, its `${VAR}`s expanded (not those of a disabled server). */
function serverOf(
  name: string,
  entry: ServerEntry,
  context: { env: Record<string, string | undefined>; baseDir: string; fail: Fail },
): McpServerConfig {
  const { fail } = context;
  const at = `mcpServers.${name}`;
  const common = commonOf(name, entry);
  // A disabled server's variables need not be set.
  const expand = (value: string, field: string): string => {
    if (!common.enabled) return value;
    const result = expandVars(value, context.env);
    return result.ok ? result.value : fail(`${at}.${field}`, result.error);
  };
  const expandMap = (map: Record<string, string> | undefined, field: string) =>
    Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, expand(v, `${field}.${k}`)]));

  if ('command' in entry) {
    const cwd = entry.cwd === undefined ? undefined : path.resolve(context.baseDir, expand(entry.cwd, 'cwd'));
    return {
      ...common,
      transport: 'stdio',
      command: expand(entry.command, 'command'),
      args: (entry.args ?? []).map((arg, i) => expand(arg, `args[${i}]`)),
      env: expandMap(entry.env, 'env'),
      cwd,
    };
  }
  const url = expand(entry.url, 'url');
  if (common.enabled && !/^https?:\/\//i.test(url))
    fail(`${at}.url`, `expected an http(s) URL (got "${url}")`);
  if (common.enabled && !URL.canParse(url)) fail(`${at}.url`, `not a valid URL ("${url}")`);
  return {
    ...common,
    transport: entry.type === 'sse' ? 'sse' : 'http',
    url,
    headers: expandMap(entry.headers, 'headers'),
  };
}

/** What every server has: enabled, tool filters, time-outs and the approval policy. */
function commonOf(name: string, entry: ServerEntry): ServerCommon {
  return {
    name,
    enabled: entry.enabled ?? !(entry.disabled ?? false),
    allowedTools: entry.allowedTools,
    disabledTools: entry.disabledTools ?? [],
    timeoutMs: entry.timeoutMs,
    connectTimeoutMs: entry.connectTimeoutMs,
    ...(entry.requireApproval || entry.approveDestructive
      ? {
          approval: {
            tools:
              entry.requireApproval === true
                ? ('all' as const)
                : Array.isArray(entry.requireApproval)
                  ? entry.requireApproval
                  : [],
            destructive: entry.approveDestructive ?? false,
          },
        }
      : {}),
  };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid';
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: command, args, env, cwd, type, url, headers, enabled, allowedTools, disabledTools, timeoutMs, connectTimeoutMs, requireApproval, approveDestructive)`;
  }
  return issue.message;
}

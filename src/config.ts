/**
 * Configuration: the environment (and `.env`, loaded by the npm scripts with --env-file-if-exists)
 * parsed once with zod into one typed object. Every key here is documented in `.env.example`.
 * A missing or malformed value becomes one ConfigError line naming the key and what to set.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { type ModelOptions, parseModelOptions } from './model/model-options.ts';
import { createRedactor, MIN_SECRET_LENGTH } from './text/redact-secrets.ts';

const int = (min: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number >= ${min}`)
    .transform(Number)
    .pipe(z.number().int().min(min))
    .optional()
    .transform((value) => value ?? fallback);

const num = (min: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `expected a number >= ${min}`)
    .transform(Number)
    .pipe(z.number().min(min))
    .optional()
    .transform((value) => value ?? fallback);

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }))
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
    .optional()
    .transform((value) => value ?? fallback);

const list = () =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

const text = () =>
  z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined));

const url = () =>
  z
    .string()
    .trim()
    .url({ error: 'expected a URL such as https://example.com' })
    .optional()
    .or(z.literal('').transform(() => undefined));

/** The environment keys Toolsmith reads. Keep in step with `.env.example`. */
export const EnvSchema = z.object({
  DATA_DIR: text(),
  AUDIT_RETENTION_DAYS: int(0, 90),
  /** Read by `terminalOptions` (debug shows stacks); checked here so a bad value fails at start-up. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional().default('info'),
  /** Read by `terminalOptions` (https://no-color.org): any non-empty value turns colours off. */
  NO_COLOR: text(),

  ANTHROPIC_API_KEY: text(),
  ANTHROPIC_MODEL: text(),
  ANTHROPIC_BASE_URL: url(),
  ANTHROPIC_MAX_RETRIES: int(0, 4),
  SKILLS_DISTILL_MODEL: text(),
  AGENT_ACTIONS: z
    .enum(['tools', 'fenced'], { error: 'expected tools or fenced' })
    .optional()
    .default('tools'),
  MODEL_OPTIONS: text(),
  ALLOWED_MODELS: list(),

  SANDBOX_MEMORY_MB: int(8, 128),
  SANDBOX_TIMEOUT_MS: int(10, 10_000),
  SANDBOX_WALL_MS: int(10, 60_000),
  SANDBOX_MAX_OUTPUT_CHARS: int(100, 20_000),
  SANDBOX_MAX_PENDING_CALLS: int(1, 256),

  MCP_CONFIG: text(),
  MCP_CONNECT_TIMEOUT_MS: int(100, 15_000),
  MCP_CALL_TIMEOUT_MS: int(100, 60_000),
  MCP_SERVER_USER: text(),
  WORKSPACE_MAX_FILE_BYTES: int(1, 10 * 1024 * 1024),
  WORKSPACE_MAX_BYTES: int(1, 1024 * 1024 * 1024),
  WEB_ALLOWED_HOSTS: list(),
  WEB_ALLOW_PRIVATE: bool(false),
  WEB_MAX_BYTES: int(1, 2 * 1024 * 1024),
  WEB_TIMEOUT_MS: int(100, 15_000),
  WEB_APPROVE_WRITES: bool(false),
  APPROVER_ROLE: text(),
  APPROVAL_TIMEOUT_MS: int(1000, 10 * 60_000),
  CHART_MAX_PIXELS: int(1, 4096 * 4096),
  CHART_MAX_POINTS: int(1, 100_000),
  CHART_TIMEOUT_MS: int(100, 20_000),

  AGENT_MAX_STEPS: int(1, 12),
  AGENT_WALL_MS: int(1000, 10 * 60_000),
  AGENT_MAX_TOKENS: int(1000, 400_000),
  AGENT_MAX_COST_USD: num(0, 2),

  EMBEDDINGS_PROVIDER: z.enum(['local', 'voyage', 'openai']).optional().default('local'),
  EMBEDDINGS_MODEL: text(),
  EMBEDDINGS_BASE_URL: url(),
  EMBEDDINGS_API_KEY: text(),
  EMBEDDINGS_DIMENSIONS: int(0, 0),
  VOYAGE_API_KEY: text(),
  SKILLS_TOP_K: int(0, 3),
  SKILLS_MIN_SCORE: num(0, 0.25),
  SKILLS_DEDUPE_THRESHOLD: num(0, 0.92),
  SKILLS_LEARN: bool(true),
  SKILLS_SHARE_PURE: bool(false),
  OPERATOR_USERS: list(),
  SKILL_REVIEWER_ROLE: text(),

  DISCORD_TOKEN: text(),
  DISCORD_CLIENT_ID: text(),
  DISCORD_GUILD_ID: text(),
  DISCORD_API_URL: url(),
  ALLOWED_GUILDS: list(),
  ALLOWED_CHANNELS: list(),
  ALLOWED_ROLES: list(),
  ALLOWED_USERS: list(),
  ADMIN_ROLE: text(),
  RATE_LIMIT_PER_MINUTE: int(1, 5),
  MAX_CONCURRENT_TASKS: int(1, 0),
  MAX_CONCURRENT_PER_SERVER: int(1, 0),
  SESSION_IDLE_MINUTES: int(1, 30),
  SESSION_MAX_LIVE: int(1, 64),
  PROFILES: text(),
  QUOTA_MEMBER_DAILY_USD: num(0, 0),
  QUOTA_MEMBER_MONTHLY_USD: num(0, 0),
  QUOTA_SERVER_DAILY_USD: num(0, 0),
  QUOTA_SERVER_MONTHLY_USD: num(0, 0),
  QUOTA_ROLES: list(),
  QUOTA_ADMINS_EXEMPT: bool(false),
  MAX_ATTACHMENT_BYTES: int(1, 8 * 1024 * 1024),
  PROGRESS_EDIT_MS: int(100, 1500),
});

export type Env = z.infer<typeof EnvSchema>;

/** Toolsmith's configuration, grouped by the part that reads it. */
export interface Config {
  /**
   * The environment the config was read from: `${VAR}` expansion in mcp.json and the basics (PATH,
   * HOME, ...) stdio MCP servers inherit come from here, so nothing else reads `process.env`.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Who runs the terminal front ends (USER or USERNAME), the author of their tasks and skills. */
  localUser: string;
  dataDir: string;
  /** Audit rows older than this many days are deleted (at start and daily); 0 keeps them for ever. */
  auditRetentionDays: number;
  anthropic: {
    apiKey: string | undefined;
    model: string;
    baseUrl: string | undefined;
    maxRetries: number;
    distillModel: string;
    /** How the agent acts by default (AGENT_ACTIONS): tool use, or ```js blocks in the reply. */
    actions: 'tools' | 'fenced';
    /** Per-model settings (MODEL_OPTIONS): server, key variable, actions, caching, prices. */
    modelOptions: ModelOptions;
    /** The models members may pick (ALLOWED_MODELS; default ANTHROPIC_MODEL only). */
    allowedModels: string[];
  };
  sandbox: {
    memoryMb: number;
    timeoutMs: number;
    wallMs: number;
    maxOutputChars: number;
    maxPendingCalls: number;
  };
  tools: {
    mcpConfigPath: string;
    connectTimeoutMs: number;
    callTimeoutMs: number;
    /** The user stdio MCP servers run as (a name, uid or uid:gid); undefined runs them as the bot's. */
    serverUser: string | undefined;
    workspaceMaxFileBytes: number;
    /** Most bytes the files of one workspace may hold, all together. */
    workspaceMaxBytes: number;
    web: { allowedHosts: string[]; allowPrivate: boolean; maxBytes: number; timeoutMs: number };
    /** web.fetch with a method other than GET/HEAD waits for approval. */
    approveWebWrites: boolean;
    /** The chart server's limits: pixels (after scale) and data points per chart, render time. */
    chart: { maxPixels: number; maxPoints: number; timeoutMs: number };
  };
  agent: { maxSteps: number; wallMs: number; maxTokens: number; maxCostUsd: number };
  /** The channel profiles file (YAML or JSON), resolved against the project folder; none when unset. */
  profilesPath: string | undefined;
  /** The task service: scheduling, session lifecycle and admission, for every front end. */
  tasks: {
    /** Tasks running at once, all servers together (default: twice the cores, at least 2). */
    maxConcurrent: number;
    /** Tasks of one server running at once (default: the global cap less one, at least 1). */
    maxConcurrentPerServer: number;
    /** What the machine's cores allow without starving the bot's event loop. */
    recommendedMaxConcurrent: number;
    /** Messages (tasks and follow-ups) per member per minute. */
    rateLimitPerMinute: number;
    /** An idle live session is released (sandbox freed, transcript kept) after this long. */
    sessionIdleMs: number;
    /** At most this many sessions keep a live sandbox; the least recently used idle one goes first. */
    maxLiveSessions: number;
    /** Cost quotas in USD (0 = none), from the audit log's outcomes, per UTC day and month. */
    quotas: Quotas;
    /** Tool calls that need a person: who may decide (besides admins) and how long a call waits. */
    approvals: { approverRole: string | undefined; timeoutMs: number };
  };
  skills: {
    provider: Env['EMBEDDINGS_PROVIDER'];
    model: string | undefined;
    baseUrl: string | undefined;
    apiKey: string | undefined;
    dimensions: number | undefined;
    topK: number;
    minScore: number;
    dedupeThreshold: number;
    learn: boolean;
    /** Share learned skills that call no tools (and passed their check) without review. */
    sharePure: boolean;
    /** Discord user ids who own the `global` skills (besides the CLI on the bot host). */
    operators: string[];
    /** Role id whose members review (approve, reject, revert) their server's skills, besides ADMIN_ROLE. */
    reviewerRole: string | undefined;
  };
  discord: {
    token: string | undefined;
    clientId: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    allowedGuilds: string[];
    allowedChannels: string[];
    allowedRoles: string[];
    allowedUsers: string[];
    adminRole: string | undefined;
    maxAttachmentBytes: number;
    progressEditMs: number;
  };
}

export const defaultModels = { code: 'claude-sonnet-5-5', distill: 'claude-haiku-5-5' } as const;

/** The folder of package.json: relative paths in the configuration are resolved against it. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** One malformed key of the environment. */
export interface ConfigIssue {
  key: string;
  message: string;
}

/** Every malformed key of `env` at once (for `toolsmith doctor`); empty when it parses. */
export function configIssues(env: NodeJS.ProcessEnv = process.env): ConfigIssue[] {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return [];
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? 'environment');
    if (seen.has(key)) continue;
    seen.add(key);
    const got = env[key];
    issues.push({ key, message: `${issue.message}${got === undefined ? '' : ` (got "${got}")`}` });
  }
  return issues;
}

/**
 * The configuration with every malformed key left at its default, and the list of those keys (for
 * `toolsmith doctor`, which reports them all and goes on checking the rest).
 */
export function loadConfigLeniently(env: NodeJS.ProcessEnv = process.env): {
  config: Config;
  issues: ConfigIssue[];
} {
  const issues = configIssues(env);
  const bad = new Set(issues.map((issue) => issue.key));
  const config = loadConfig(Object.fromEntries(Object.entries(env).filter(([key]) => !bad.has(key))));
  return { config, issues };
}

/**
 * Parse the environment once. Throws a ConfigError naming the first bad key. Relative paths
 * (DATA_DIR, MCP_CONFIG) are resolved against `root`, the project folder by default, so they do not
 * depend on the directory a command is started from.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const [first] = configIssues(env);
    const key = first?.key ?? 'environment';
    throw new ConfigError(key, first?.message ?? 'invalid value', {
      fix: `Set ${key} in .env or the environment (see .env.example)`,
    });
  }
  const e = parsed.data;
  return {
    env: { ...env },
    localUser: env.USER ?? env.USERNAME ?? 'local',
    dataDir: path.resolve(root, e.DATA_DIR ?? 'data'),
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      model: e.ANTHROPIC_MODEL ?? defaultModels.code,
      baseUrl: e.ANTHROPIC_BASE_URL,
      maxRetries: e.ANTHROPIC_MAX_RETRIES,
      distillModel: e.SKILLS_DISTILL_MODEL ?? defaultModels.distill,
      actions: e.AGENT_ACTIONS,
      modelOptions: parseModelOptions(e.MODEL_OPTIONS, root),
      allowedModels:
        e.ALLOWED_MODELS.length > 0 ? e.ALLOWED_MODELS : [e.ANTHROPIC_MODEL ?? defaultModels.code],
    },
    sandbox: {
      memoryMb: e.SANDBOX_MEMORY_MB,
      timeoutMs: e.SANDBOX_TIMEOUT_MS,
      wallMs: e.SANDBOX_WALL_MS,
      maxOutputChars: e.SANDBOX_MAX_OUTPUT_CHARS,
      maxPendingCalls: e.SANDBOX_MAX_PENDING_CALLS,
    },
    tools: {
      mcpConfigPath: path.resolve(root, e.MCP_CONFIG ?? 'mcp.json'),
      connectTimeoutMs: e.MCP_CONNECT_TIMEOUT_MS,
      callTimeoutMs: e.MCP_CALL_TIMEOUT_MS,
      serverUser: e.MCP_SERVER_USER,
      workspaceMaxFileBytes: e.WORKSPACE_MAX_FILE_BYTES,
      workspaceMaxBytes: e.WORKSPACE_MAX_BYTES,
      approveWebWrites: e.WEB_APPROVE_WRITES,
      web: {
        allowedHosts: e.WEB_ALLOWED_HOSTS,
        allowPrivate: e.WEB_ALLOW_PRIVATE,
        maxBytes: e.WEB_MAX_BYTES,
        timeoutMs: e.WEB_TIMEOUT_MS,
      },
      chart: {
        maxPixels: e.CHART_MAX_PIXELS,
        maxPoints: e.CHART_MAX_POINTS,
        timeoutMs: e.CHART_TIMEOUT_MS,
      },
    },
    agent: {
      maxSteps: e.AGENT_MAX_STEPS,
      wallMs: e.AGENT_WALL_MS,
      maxTokens: e.AGENT_MAX_TOKENS,
      maxCostUsd: e.AGENT_MAX_COST_USD,
    },
    profilesPath: e.PROFILES ? path.resolve(root, e.PROFILES) : undefined,
    tasks: tasksConfig(e),
    skills: {
      provider: e.EMBEDDINGS_PROVIDER,
      model: e.EMBEDDINGS_MODEL,
      baseUrl: e.EMBEDDINGS_BASE_URL,
      apiKey:
        e.EMBEDDINGS_PROVIDER === 'voyage'
          ? (e.VOYAGE_API_KEY ?? e.EMBEDDINGS_API_KEY)
          : e.EMBEDDINGS_API_KEY,
      dimensions: e.EMBEDDINGS_DIMENSIONS || undefined,
      topK: e.SKILLS_TOP_K,
      minScore: e.SKILLS_MIN_SCORE,
      dedupeThreshold: e.SKILLS_DEDUPE_THRESHOLD,
      learn: e.SKILLS_LEARN,
      sharePure: e.SKILLS_SHARE_PURE,
      operators: e.OPERATOR_USERS,
      reviewerRole: e.SKILL_REVIEWER_ROLE,
    },
    discord: {
      token: e.DISCORD_TOKEN,
      clientId: e.DISCORD_CLIENT_ID,
      guildId: e.DISCORD_GUILD_ID,
      apiUrl: e.DISCORD_API_URL,
      allowedGuilds: e.ALLOWED_GUILDS,
      allowedChannels: e.ALLOWED_CHANNELS,
      allowedRoles: e.ALLOWED_ROLES,
      allowedUsers: e.ALLOWED_USERS,
      adminRole: e.ADMIN_ROLE,
      maxAttachmentBytes: e.MAX_ATTACHMENT_BYTES,
      progressEditMs: e.PROGRESS_EDIT_MS,
    },
  };
}

/** Cost quotas: per member (raised by their roles), per server; 0 means no quota. */
export interface Quotas {
  member: { dailyUsd: number; monthlyUsd: number };
  server: { dailyUsd: number; monthlyUsd: number };
  /** Per role id: a member's quota is the most generous of their roles' and the member default. */
  roles: { roleId: string; dailyUsd: number; monthlyUsd: number }[];
  /** Admins (Administrator, ADMIN_ROLE) are not held to quotas. */
  adminsExempt: boolean;
}

const RoleQuotaSchema = z
  .string()
  .regex(/^[^=\s]+=\d+(\.\d+)?\/\d+(\.\d+)?$/, 'expected ROLE_ID=DAILY/MONTHLY in USD, e.g. 123=5/50');

function quotasConfig(e: Env): Quotas {
  const roles = e.QUOTA_ROLES.map((entry) => {
    const checked = RoleQuotaSchema.safeParse(entry);
    if (!checked.success)
      throw new ConfigError('QUOTA_ROLES', `${checked.error.issues[0]?.message} (got "${entry}")`, {
        fix: 'Set QUOTA_ROLES to comma-separated ROLE_ID=DAILY/MONTHLY entries (see .env.example)',
      });
    const [roleId = '', amounts = ''] = entry.split('=');
    const [daily = '0', monthly = '0'] = amounts.split('/');
    return { roleId, dailyUsd: Number(daily), monthlyUsd: Number(monthly) };
  });
  return {
    member: { dailyUsd: e.QUOTA_MEMBER_DAILY_USD, monthlyUsd: e.QUOTA_MEMBER_MONTHLY_USD },
    server: { dailyUsd: e.QUOTA_SERVER_DAILY_USD, monthlyUsd: e.QUOTA_SERVER_MONTHLY_USD },
    roles,
    adminsExempt: e.QUOTA_ADMINS_EXEMPT,
  };
}

function tasksConfig(e: Env): Config['tasks'] {
  const recommended = Math.max(2, 2 * availableParallelism());
  const maxConcurrent = e.MAX_CONCURRENT_TASKS || recommended;
  return {
    maxConcurrent,
    maxConcurrentPerServer: Math.min(
      maxConcurrent,
      e.MAX_CONCURRENT_PER_SERVER || Math.max(1, maxConcurrent - 1),
    ),
    recommendedMaxConcurrent: recommended,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    maxLiveSessions: e.SESSION_MAX_LIVE,
    quotas: quotasConfig(e),
    approvals: { approverRole: e.APPROVER_ROLE, timeoutMs: e.APPROVAL_TIMEOUT_MS },
  };
}

/** Require a value that only some commands need (e.g. the API key for `chat`). */
export function requireValue<T>(value: T | undefined, key: string, why: string): T {
  if (value === undefined || value === '') {
    throw new ConfigError(key, `not set; ${why} needs it`, { fix: `Set ${key} in .env or the environment` });
  }
  return value;
}

/** Environment variables whose values are treated as secrets, whatever reads them (e.g. mcp.json). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/i;

/**
 * The secret values in a config, for `createRedactor` (src/text/redact-secrets.ts): the API keys and
 * the Discord token, and every environment variable named like a secret (`GITHUB_TOKEN`, `..._API_KEY`,
 * ...) since mcp.json hands those to tool servers.
 */
export function secretsOf(config: Config): string[] {
  const fromEnv = Object.entries(config.env)
    .filter(([key]) => SECRET_NAME.test(key))
    .map(([, value]) => value);
  const all = [config.anthropic.apiKey, config.skills.apiKey, config.discord.token, ...fromEnv];
  return [...new Set(all)].filter(
    (value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
  );
}

/**
 * Replace every secret in `text` (and its base64 and URL-encoded forms) with a marker, for one-off
 * log lines and error messages; build one `createRedactor(secrets)` for anything repeated.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return createRedactor(secrets).redact(text);
}

/** How the terminal front ends print: colours (a TTY without NO_COLOR) and stacks (LOG_LEVEL=debug). */
export function terminalOptions(
  isTTY: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { color: boolean; debug: boolean } {
  return { color: Boolean(isTTY) && !env.NO_COLOR, debug: env.LOG_LEVEL === 'debug' };
}

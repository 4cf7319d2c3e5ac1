/**
 * Configuration: the environment (and `.env`, loaded by the npm scripts with --env-file-if-exists)
 * parsed once with zod into one typed object. Every key here is documented in `.env.example`.
 * A missing or malformed value becomes one ConfigError line naming the key and what to set.
 */
import path from 'node:path';
import { type Env, EnvSchema } from './config/env-schema.ts';
import { type ModelOptions, parseModelOptions } from './config/model-options.ts';
import { projectRoot } from './config/project-root.ts';
import { type TasksConfig, tasksConfig } from './config/tasks-config.ts';
import { ConfigError } from './errors.ts';

export { type Env, EnvSchema } from './config/env-schema.ts';
export * from './config/project-root.ts';
export * from './config/secrets.ts';
export type { Quotas, TasksConfig } from './config/tasks-config.ts';

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
  /** Where sandboxes run (SANDBOX_WORKERS, SANDBOX_PER_PROCESS, SANDBOX_PROCESS_MAX_RSS_MB, SANDBOX_SPARE_PROCESSES). */
  sandboxProcesses: {
    /** `process`: worker processes the app recycles (default); `inline`: isolates in this process. */
    mode: 'process' | 'inline';
    /** Sandboxes placed on one worker process at most. */
    perProcess: number;
    /** A worker past this RSS takes no new sandbox and ends once its last one has left. */
    maxRssMb: number;
    /** Idle worker processes kept started, so a new session does not wait for one (0: on demand). */
    spare: number;
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
  tasks: TasksConfig;

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
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): Config {
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
    sandboxProcesses: {
      mode: e.SANDBOX_WORKERS,
      perProcess: e.SANDBOX_PER_PROCESS,
      maxRssMb: e.SANDBOX_PROCESS_MAX_RSS_MB,
      spare: e.SANDBOX_SPARE_PROCESSES,
    },
    tools: toolsConfig(e, root),
    agent: {
      maxSteps: e.AGENT_MAX_STEPS,
      wallMs: e.AGENT_WALL_MS,
      maxTokens: e.AGENT_MAX_TOKENS,
      maxCostUsd: e.AGENT_MAX_COST_USD,
    },
    profilesPath: e.PROFILES ? path.resolve(root, e.PROFILES) : undefined,
    tasks: tasksConfig(e),
    skills: skillsConfig(e),
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

/** The MCP tools' and built-in servers' settings; MCP_CONFIG resolved against `root`. */
function toolsConfig(e: Env, root: string): Config['tools'] {
  return {
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
  };
}

/** The skill library's settings: embeddings, retrieval, learning, review. */
function skillsConfig(e: Env): Config['skills'] {
  return {
    provider: e.EMBEDDINGS_PROVIDER,
    model: e.EMBEDDINGS_MODEL,
    baseUrl: e.EMBEDDINGS_BASE_URL,
    apiKey:
      e.EMBEDDINGS_PROVIDER === 'voyage' ? (e.VOYAGE_API_KEY ?? e.EMBEDDINGS_API_KEY) : e.EMBEDDINGS_API_KEY,
    dimensions: e.EMBEDDINGS_DIMENSIONS || undefined,
    topK: e.SKILLS_TOP_K,
    minScore: e.SKILLS_MIN_SCORE,
    dedupeThreshold: e.SKILLS_DEDUPE_THRESHOLD,
    learn: e.SKILLS_LEARN,
    sharePure: e.SKILLS_SHARE_PURE,
    operators: e.OPERATOR_USERS,
    reviewerRole: e.SKILL_REVIEWER_ROLE,
  };
}

/** Require a value that only some commands need (e.g. the API key for `chat`). */
export function requireValue<T>(value: T | undefined, key: string, why: string): T {
  if (value === undefined || value === '') {
    throw new ConfigError(key, `not set; ${why} needs it`, { fix: `Set ${key} in .env or the environment` });
  }
  return value;
}

/**
 * Whether sandboxes will live in this process (SANDBOX_WORKERS=inline), read before the rest of the
 * configuration is checked: such a process must start with the flag isolated-vm needs.
 */
export function isolatesInProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  // The setting's own rule (what loadConfig will read), not a second one.
  return EnvSchema.shape.SANDBOX_WORKERS.safeParse(env.SANDBOX_WORKERS).data === 'inline';
}

/** How the terminal front ends print: colours (a TTY without NO_COLOR) and stacks (LOG_LEVEL=debug). */
export function terminalOptions(
  isTTY: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { color: boolean; debug: boolean } {
  return { color: Boolean(isTTY) && !env.NO_COLOR, debug: env.LOG_LEVEL === 'debug' };
}

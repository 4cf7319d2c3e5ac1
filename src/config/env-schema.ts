/** The environment keys Toolsmith reads, parsed once with zod. Keep in step with `.env.example`. */
import { z } from 'zod';
import { bool, choice, int, list, num, text, url } from './env-fields.ts';

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
  /** Where isolates run: worker processes the app recycles, or inline in the app's own process. */
  SANDBOX_WORKERS: choice(['process', 'inline'], 'process'),
  SANDBOX_PER_PROCESS: int(1, 8),
  SANDBOX_PROCESS_MAX_RSS_MB: int(64, 1024),
  SANDBOX_SPARE_PROCESSES: int(0, 1),

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

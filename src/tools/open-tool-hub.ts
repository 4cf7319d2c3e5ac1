/**
 * The tool hub as the configuration describes it (mcp.json + the built-ins), and the same hub bound
 * for a one-off sandbox session (`toolsmith sandbox`), so a file runs exactly as the agent's code would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Config, secretsOf } from '../config.ts';
import type { SandboxProvider } from '../sandbox/types.ts';
import { createToolHub } from './create-tool-hub.ts';
import { loadMcpConfig } from './mcp-config.ts';
import { scrubEnviron } from './scrub-environ.ts';
import { resolveServerUser } from './server-user.ts';
import type { ToolCallEvent, ToolHub } from './types.ts';

/**
 * Load the MCP servers file and connect every server; a bad file throws a ConfigError first. Before
 * any server starts, the secrets are wiped from this process's `/proc/<pid>/environ` (servers could
 * read it), and stdio servers run as MCP_SERVER_USER when it is set.
 */
export async function openToolHub(config: Config): Promise<ToolHub> {
  const env = config.env;
  const servers = await loadMcpConfig(config.tools.mcpConfigPath, env);
  const serverUser = config.tools.serverUser ? resolveServerUser(config.tools.serverUser) : undefined;
  const secrets = secretsOf(config);
  if (secrets.length > 0) scrubEnviron((_, value) => secrets.some((secret) => value.includes(secret)));
  return createToolHub({
    servers,
    ...(serverUser ? { serverUser } : {}),
    workspace: {
      maxFileBytes: config.tools.workspaceMaxFileBytes,
      maxWorkspaceBytes: config.tools.workspaceMaxBytes,
    },
    web: config.tools.web,
    approveWebWrites: config.tools.approveWebWrites,
    chart: {
      maxFileBytes: config.tools.workspaceMaxFileBytes,
      maxWorkspaceBytes: config.tools.workspaceMaxBytes,
      ...config.tools.chart,
    },
    connectTimeoutMs: config.tools.connectTimeoutMs,
    callTimeoutMs: config.tools.callTimeoutMs,
    env,
  });
}

export interface SandboxTools {
  hub: ToolHub;
  /** The sandbox provider of `tools` for this workspace. */
  provider: SandboxProvider;
  /** The workspace the `workspace` tools act on. */
  workspaceDir: string;
  /** Close the hub; a temporary workspace is removed. */
  close(): Promise<void>;
}

/**
 * The configured and built-in tools bound for one sandbox session, with the workspace in `workspaceDir`
 * or, when absent, in a temporary folder removed on close.
 */
export async function openSandboxTools(
  config: Config,
  options: {
    workspaceDir?: string;
    onCall?: (event: ToolCallEvent) => void;
  } = {},
): Promise<SandboxTools> {
  const hub = await openToolHub(config);
  const temporary = options.workspaceDir === undefined;
  const workspaceDir = options.workspaceDir
    ? path.resolve(options.workspaceDir)
    : await mkdtemp(path.join(tmpdir(), 'toolsmith-sandbox-'));
  return {
    hub,
    provider: hub.provider({ workspaceDir, ...(options.onCall ? { onCall: options.onCall } : {}) }),
    workspaceDir,
    async close() {
      await hub.close();
      if (temporary) await rm(workspaceDir, { recursive: true, force: true });
    },
  };
}

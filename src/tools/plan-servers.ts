/**
 * Which servers a hub has, in order: the built-ins (workspace, web, chart), in-process extras, then the
 * configured ones; each with the transports to try, or the reason it is off.
 */
import { type ChartServerOptions, createChartServer } from './builtin/chart/chart-server.ts';
import { createWebServer, type WebServerOptions } from './builtin/web-server.ts';
import { createWorkspaceQuota, DEFAULT_WORKSPACE_MAX_BYTES } from './builtin/workspace-quota.ts';
import { createWorkspaceServer, type WorkspaceServerOptions } from './builtin/workspace-server.ts';
import type { McpServerConfig } from './mcp-config.ts';
import type { ReconnectPolicy } from './server-connection.ts';
import type { ServerUser } from './server-user.ts';
import {
  type ConnectableServer,
  inProcessTransport,
  type TransportFactory,
  transportsFor,
} from './transports.ts';

/** An extra MCP server run in-process (tests, benchmarks, the skill library later). */
export interface InProcessServer {
  name: string;
  /** A fresh server (`McpServer` or low-level `Server`) for each connection. */
  create: () => ConnectableServer;
  description?: string;
}

export interface ToolHubOptions {
  /** Configured servers (from `loadMcpConfig`). */
  servers?: McpServerConfig[];
  /** The built-in workspace server; `false` leaves it out. */
  workspace?: WorkspaceServerOptions | false;
  /** The built-in web server; off (status `disabled`) when absent or when no host is allowed. */
  web?: WebServerOptions;
  /** The built-in chart server; left out when absent. */
  chart?: ChartServerOptions;
  /** The built-in web fetch with a method other than GET/HEAD waits for approval. */
  approveWebWrites?: boolean;
  inProcess?: InProcessServer[];
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Largest unwrapped result, in JSON characters, handed to the agent's code (default 4 000 000). */
  maxResultChars?: number;
  /** Reconnection after a configured server drops (default 5 attempts, 500 ms doubling to 30 s). */
  reconnect?: ReconnectPolicy;
  /** The environment stdio servers inherit their basics (PATH, HOME, ...) from (default: none). */
  env?: Record<string, string | undefined>;
  /** The user stdio servers run as (MCP_SERVER_USER); default the bot's own. */
  serverUser?: ServerUser;
}

/** One server of the hub, before it connects. */
export interface ServerPlan {
  name: string;
  builtIn: boolean;
  description?: string;
  /** The transports to try, in order; or why the server is off. */
  transports: TransportFactory[] | { off: string };
  /** The configured entry, for its tool filters and time limits. */
  config?: McpServerConfig;
}

const DESCRIPTIONS = {
  workspace: "This task's folder of files: user attachments land here; files written here can be sent back.",
  web: 'HTTP(S) requests to the allowed hosts.',
  chart: 'Charts from Vega-Lite specs, drawn into PNG files in the workspace.',
};

/** The hub's servers, in the order they are shown and declared. */
export function planServers(options: ToolHubOptions): ServerPlan[] {
  const plans: ServerPlan[] = [];
  // The workspace and chart servers write into the same workspaces: one quota, so their writes to a
  // workspace run one at a time and count together.
  const given = options.workspace === false ? undefined : options.workspace;
  const quota =
    given?.quota ??
    createWorkspaceQuota({ maxBytes: given?.maxWorkspaceBytes ?? DEFAULT_WORKSPACE_MAX_BYTES });
  if (options.workspace !== false) {
    const workspace = { quota, ...(options.workspace ?? { maxFileBytes: 10 * 1024 * 1024 }) };
    plans.push({
      name: 'workspace',
      builtIn: true,
      description: DESCRIPTIONS.workspace,
      transports: [inProcessTransport(() => createWorkspaceServer(workspace))],
    });
  }
  const web = options.web;
  plans.push({
    name: 'web',
    builtIn: true,
    description: DESCRIPTIONS.web,
    transports:
      !web || web.allowedHosts.length === 0
        ? { off: 'off: no host is allowed (set WEB_ALLOWED_HOSTS to turn it on)' }
        : [inProcessTransport(() => createWebServer(web))],
  });
  const chart = options.chart;
  if (chart) {
    plans.push({
      name: 'chart',
      builtIn: true,
      description: DESCRIPTIONS.chart,
      transports: [
        inProcessTransport(() =>
          createChartServer(options.workspace === false ? chart : { quota, ...chart }),
        ),
      ],
    });
  }
  for (const extra of options.inProcess ?? []) {
    plans.push({
      name: extra.name,
      builtIn: true,
      ...(extra.description ? { description: extra.description } : {}),
      transports: [inProcessTransport(extra.create)],
    });
  }
  for (const server of options.servers ?? []) {
    plans.push({
      name: server.name,
      builtIn: false,
      transports: server.enabled
        ? transportsFor(server, options.env, options.serverUser)
        : { off: 'disabled in the MCP servers file' },
      config: server,
    });
  }
  return plans;
}

/**
 * The tool hub: every tool the agent's code can reach, configured (stdio, HTTP, SSE) or built in
 * (workspace, web, in-process extras), all through the same MCP client path. Connects all servers at
 * once at start-up, each within its time limit; a server that fails is reported and the rest work.
 */
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { HostBindings, SandboxProvider } from '../sandbox/types.ts';
import { closeNames } from '../text/close-names.ts';
import { toIdentifier } from '../text/identifiers.ts';
import type { ApprovalRule } from './approval-policy.ts';
import { WORKSPACE_META_KEY } from './builtin/workspace-server.ts';
import { callTool, type ToolCall } from './call-tool.ts';
import { type Declarations, generateDeclarations } from './generate-declarations.ts';
import { planServers, type ToolHubOptions } from './plan-servers.ts';
import { ServerConnection } from './server-connection.ts';
import { toolBinding } from './tool-binding.ts';
import { ToolError } from './tool-error.ts';
import type { ToolsPreludeData } from './tools-prelude.ts';
import type { CallOptions, HubEvent, ServerInfo, ToolBindingOptions, ToolHub, ToolInfo } from './types.ts';

export type { InProcessServer, ToolHubOptions } from './plan-servers.ts';

/** The runtime file that builds `tools` inside the sandbox. */
const TOOLS_PRELUDE = new URL('./tools-prelude.ts', import.meta.url);

interface Entry {
  name: string;
  identifier: string;
  builtIn: boolean;
  description?: string;
  /** Why the server is off (status `disabled`). */
  disabled?: string;
  connection?: ServerConnection;
  /** Tools by identifier, from the connection's last listing. */
  tools: Map<string, Tool>;
  /** Which calls wait for a person's approval. */
  approval?: ApprovalRule;
}

/** Create the hub and connect every server (each within `connectTimeoutMs`). Never throws for a server. */
export async function createToolHub(options: ToolHubOptions = {}): Promise<ToolHub> {
  const hub = new Hub(options);
  await hub.start();
  return hub;
}

class Hub implements ToolHub {
  private readonly entries: Entry[] = [];
  private readonly listeners = new Set<(event: HubEvent) => void>();
  private readonly maxResultChars: number;
  private cached: Declarations | undefined;
  private subsets: { key: string; of: Declarations; decls: Declarations } | undefined;
  private closed = false;

  constructor(options: ToolHubOptions) {
    this.maxResultChars = options.maxResultChars ?? 4_000_000;
    const taken = new Set<string>();
    for (const plan of planServers(options)) {
      const { name, config } = plan;
      const entry: Entry = {
        name,
        identifier: toIdentifier(name, taken),
        builtIn: plan.builtIn,
        tools: new Map(),
        ...(plan.description ? { description: plan.description } : {}),
        ...(config?.approval ? { approval: config.approval } : {}),
        ...(name === 'web' && plan.builtIn && options.approveWebWrites
          ? { approval: { tools: [], destructive: false, webWrites: true } }
          : {}),
      };
      if ('off' in plan.transports) entry.disabled = plan.transports.off;
      else {
        const allowed = config?.allowedTools;
        const denied = config?.disabledTools ?? [];
        entry.connection = new ServerConnection({
          name,
          transports: plan.transports,
          connectTimeoutMs: config?.connectTimeoutMs ?? options.connectTimeoutMs ?? 15_000,
          callTimeoutMs: config?.timeoutMs ?? options.callTimeoutMs ?? 60_000,
          allowTool: (tool) => (allowed === undefined || allowed.includes(tool)) && !denied.includes(tool),
          ...(plan.builtIn
            ? {}
            : { reconnect: options.reconnect ?? { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 } }),
          onStatus: (status, error) =>
            this.changed(entry, { type: 'status', server: name, status, ...(error ? { error } : {}) }),
          onToolsChanged: () => this.changed(entry, { type: 'tools-changed', server: name }),
        });
      }
      this.entries.push(entry);
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.connection?.start()));
    for (const entry of this.entries) this.reindex(entry);
  }

  provider(options: ToolBindingOptions): SandboxProvider {
    const reasons: Record<string, string> = {};
    const shown = (entry: Entry) => !options.servers || options.servers.includes(entry.name);
    for (const entry of this.entries) {
      if (!shown(entry)) {
        reasons[entry.identifier] = "is not enabled in this channel's profile";
        continue;
      }
      if (entry.tools.size > 0) continue;
      if (entry.disabled !== undefined) reasons[entry.identifier] = `is ${entry.disabled}`;
      else if (entry.connection?.status === 'failed')
        reasons[entry.identifier] = `failed: ${entry.connection.error ?? 'unknown reason'}`;
    }
    const data: ToolsPreludeData = { servers: this.entries.map((entry) => entry.identifier), reasons };
    return {
      namespace: 'tools',
      bindings: this.bindings(options),
      prelude: { file: TOOLS_PRELUDE, data, globals: ['ToolError'] },
    };
  }

  servers(): ServerInfo[] {
    const chars = this.decls().charsByServer;
    return this.entries.map((entry) => {
      const status = entry.connection?.status ?? 'disabled';
      const error = entry.disabled ?? entry.connection?.error;
      const tools: ToolInfo[] = [...entry.tools].map(([identifier, tool]) => ({
        name: tool.name,
        identifier,
        description: tool.description ?? tool.title ?? '',
      }));
      return {
        name: entry.name,
        identifier: entry.identifier,
        status,
        ...(error ? { error } : {}),
        ...(entry.connection?.detail ? { detail: entry.connection.detail } : {}),
        builtIn: entry.builtIn,
        tools,
        declarationChars: chars.get(entry.identifier) ?? 0,
      };
    });
  }

  declarations(servers?: readonly string[]): string {
    return this.decls(servers).text;
  }

  private bindings(options: ToolBindingOptions): HostBindings {
    const bindings: HostBindings = {};
    for (const entry of this.entries) {
      if (options.servers && !options.servers.includes(entry.name)) continue;
      for (const [identifier, tool] of entry.tools) {
        const label = `tools.${entry.identifier}.${identifier}`;
        bindings[`${entry.identifier}.${identifier}`] = toolBinding({
          server: entry.name,
          tool,
          label,
          call: this.toolCall(entry, tool, label, options.workspaceDir),
          approval: entry.approval,
          options,
        });
      }
    }
    return bindings;
  }

  async call(server: string, tool: string, input: unknown, options: CallOptions): Promise<unknown> {
    const entry = this.entries.find((e) => e.name === server || e.identifier === server);
    if (!entry) {
      const near = closeNames(
        server,
        this.entries.map((e) => e.identifier),
      );
      throw new ToolError(
        `unknown tool server "${server}"${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      );
    }
    if (entry.tools.size === 0 && entry.disabled !== undefined)
      throw new ToolError(`tool server "${entry.name}" is ${entry.disabled}`);
    const found = entry.tools.get(tool) ?? [...entry.tools.values()].find((t) => t.name === tool);
    const identifier = [...entry.tools].find(([, t]) => t === found)?.[0] ?? tool;
    const label = `tools.${entry.identifier}.${identifier}`;
    if (!found) {
      if (entry.tools.size === 0)
        throw new ToolError(
          `unknown tool ${label}: tool server "${entry.name}" has no tools (${entry.connection?.status ?? 'disabled'}${entry.connection?.error ? `: ${entry.connection.error}` : ''})`,
        );
      const near = closeNames(tool, [...entry.tools.keys()]);
      throw new ToolError(
        `unknown tool ${label}${near.length ? `; did you mean ${near.join(', ')}?` : `; its tools are: ${[...entry.tools.keys()].join(', ')}`}`,
      );
    }
    return this.callEntry(entry, found, label, input, options);
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.entries.map((entry) => entry.connection?.close()));
    this.listeners.clear();
  }

  private callEntry(
    entry: Entry,
    tool: Tool,
    label: string,
    input: unknown,
    options: CallOptions,
  ): Promise<unknown> {
    const call = this.toolCall(entry, tool, label, options.workspaceDir);
    return call instanceof ToolError ? Promise.reject(call) : callTool(call, input, options);
  }

  /** What calls of one tool share; a ToolError when its server has no connection. */
  private toolCall(entry: Entry, tool: Tool, label: string, workspaceDir: string): ToolCall | ToolError {
    const connection = entry.connection;
    if (!connection)
      return new ToolError(`tool server "${entry.name}" is ${entry.disabled ?? 'not available'}`);
    // The built-ins that act on the session's folder get it in `_meta` (sandboxed code cannot set it).
    const isWorkspace = entry.builtIn && (entry.name === 'workspace' || entry.name === 'chart');
    return {
      connection,
      server: entry.name,
      tool: tool.name,
      label,
      ...(isWorkspace ? { meta: { [WORKSPACE_META_KEY]: path.resolve(workspaceDir) } } : {}),
      maxResultChars: this.maxResultChars,
    };
  }

  private reindex(entry: Entry): void {
    const taken = new Set<string>();
    entry.tools = new Map(
      (entry.connection?.tools ?? []).map((tool) => [toIdentifier(tool.name, taken), tool]),
    );
    this.cached = undefined;
  }

  private changed(entry: Entry, event: HubEvent): void {
    if (event.type === 'tools-changed' || event.status === 'connected' || event.status === 'failed')
      this.reindex(entry);
    this.cached = undefined;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // listeners are observers; their faults are theirs
      }
    }
  }

  /** Declarations of every live server, or of `servers` only (a channel profile's subset), cached. */
  private decls(servers?: readonly string[]): Declarations {
    if (servers) {
      const key = servers.join('\n');
      if (this.subsets?.key !== key || this.subsets.of !== this.decls())
        this.subsets = { key, of: this.decls(), decls: this.generate(servers) };
      return this.subsets.decls;
    }
    this.cached ??= this.generate();
    return this.cached;
  }

  private generate(servers?: readonly string[]): Declarations {
    return generateDeclarations(
      this.entries
        .filter(
          (entry) =>
            (entry.connection?.status === 'connected' || entry.connection?.status === 'reconnecting') &&
            (!servers || servers.includes(entry.name)),
        )
        .map((entry) => ({
          identifier: entry.identifier,
          ...(entry.description ? { description: entry.description } : {}),
          tools: [...entry.tools].map(([identifier, tool]) => ({
            identifier,
            ...(tool.description
              ? { description: tool.description }
              : tool.title
                ? { description: tool.title }
                : {}),
            inputSchema: tool.inputSchema,
            ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
          })),
        })),
    );
  }
}

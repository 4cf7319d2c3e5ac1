/**
 * The tool hub: every tool the agent's code can reach, configured (stdio, HTTP, SSE) or built in
 * (workspace, web, in-process extras), all through the same MCP client path. Connects all servers at
 * once at start-up, each within its time limit; a server that fails is reported and the rest work.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { HostBindings } from '../sandbox/types.ts';
import { createWebServer, type WebServerOptions } from './builtin/web-server.ts';
import {
  createWorkspaceServer,
  WORKSPACE_META_KEY,
  type WorkspaceServerOptions,
} from './builtin/workspace-server.ts';
import { type Declarations, generateDeclarations } from './generate-declarations.ts';
import { closeNames, toIdentifier } from './identifiers.ts';
import type { McpServerConfig } from './mcp-config.ts';
import { isRecord } from './schema-to-ts.ts';
import { type ReconnectPolicy, ServerConnection } from './server-connection.ts';
import { ToolError } from './tool-error.ts';
import { toolsPrelude } from './tools-prelude.ts';
import {
  type ConnectableServer,
  inProcessTransport,
  type TransportFactory,
  transportsFor,
} from './transports.ts';
import type {
  CallOptions,
  HubEvent,
  ServerInfo,
  ToolBindingOptions,
  ToolCallEvent,
  ToolHub,
  ToolInfo,
} from './types.ts';
import { errorMessageOf, unwrapResult } from './unwrap-result.ts';

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
  inProcess?: InProcessServer[];
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Largest unwrapped result, in JSON characters, handed to the agent's code (default 4 000 000). */
  maxResultChars?: number;
  /** Reconnection after a configured server drops (default 5 attempts, 500 ms doubling to 30 s). */
  reconnect?: ReconnectPolicy;
  /** The environment stdio servers inherit their basics from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

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
}

const DESCRIPTIONS = {
  workspace: "This task's folder of files: user attachments land here; files written here can be sent back.",
  web: 'HTTP(S) requests to the allowed hosts.',
};

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
  private closed = false;

  constructor(options: ToolHubOptions) {
    this.maxResultChars = options.maxResultChars ?? 4_000_000;
    const taken = new Set<string>();
    const connect = {
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      callTimeoutMs: options.callTimeoutMs ?? 60_000,
    };
    const add = (
      name: string,
      builtIn: boolean,
      transports: TransportFactory[] | string,
      extra: Partial<Entry> = {},
      config?: McpServerConfig,
    ) => {
      const entry: Entry = {
        name,
        identifier: toIdentifier(name, taken),
        builtIn,
        tools: new Map(),
        ...extra,
      };
      if (typeof transports === 'string') entry.disabled = transports;
      else {
        const allowed = config?.allowedTools;
        const denied = config?.disabledTools ?? [];
        entry.connection = new ServerConnection({
          name,
          transports,
          connectTimeoutMs: config?.connectTimeoutMs ?? connect.connectTimeoutMs,
          callTimeoutMs: config?.timeoutMs ?? connect.callTimeoutMs,
          allowTool: (tool) => (allowed === undefined || allowed.includes(tool)) && !denied.includes(tool),
          ...(builtIn
            ? {}
            : { reconnect: options.reconnect ?? { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 } }),
          onStatus: (status, error) =>
            this.changed(entry, { type: 'status', server: name, status, ...(error ? { error } : {}) }),
          onToolsChanged: () => this.changed(entry, { type: 'tools-changed', server: name }),
        });
      }
      this.entries.push(entry);
    };

    if (options.workspace !== false) {
      const workspace = options.workspace ?? { maxFileBytes: 10 * 1024 * 1024 };
      add('workspace', true, [inProcessTransport(() => createWorkspaceServer(workspace))], {
        description: DESCRIPTIONS.workspace,
      });
    }
    const web = options.web;
    const webOff = !web || web.allowedHosts.length === 0;
    add(
      'web',
      true,
      webOff
        ? 'off: no host is allowed (set WEB_ALLOWED_HOSTS to turn it on)'
        : [inProcessTransport(() => createWebServer(web))],
      {
        description: DESCRIPTIONS.web,
      },
    );
    for (const extra of options.inProcess ?? []) {
      add(
        extra.name,
        true,
        [inProcessTransport(extra.create)],
        extra.description ? { description: extra.description } : {},
      );
    }
    for (const server of options.servers ?? []) {
      add(
        server.name,
        false,
        server.enabled ? transportsFor(server, options.env) : 'disabled in the MCP servers file',
        {},
        server,
      );
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.connection?.start()));
    for (const entry of this.entries) this.reindex(entry);
  }

  get prelude(): string {
    const reasons: Record<string, string> = {};
    for (const entry of this.entries) {
      if (entry.tools.size > 0) continue;
      if (entry.disabled !== undefined) reasons[entry.identifier] = `is ${entry.disabled}`;
      else if (entry.connection?.status === 'failed')
        reasons[entry.identifier] = `failed: ${entry.connection.error ?? 'unknown reason'}`;
    }
    return toolsPrelude(
      this.entries.map((entry) => entry.identifier),
      reasons,
    );
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

  declarations(): string {
    return this.decls().text;
  }

  bindings(options: ToolBindingOptions): HostBindings {
    const bindings: HostBindings = {};
    for (const entry of this.entries) {
      for (const [identifier, tool] of entry.tools) {
        const label = `tools.${entry.identifier}.${identifier}`;
        bindings[label] = (args, context) => {
          if (args.length > 1)
            throw new ToolError(`${label} takes one object argument, e.g. ${label}({ ... })`);
          return this.callEntry(entry, tool, label, args[0], { ...options, signal: context.signal });
        };
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

  private async callEntry(
    entry: Entry,
    tool: Tool,
    label: string,
    input: unknown,
    options: CallOptions,
  ): Promise<unknown> {
    if (input !== undefined && !isRecord(input))
      throw new ToolError(`${label} takes one object argument, e.g. ${label}({ ... })`);
    const connection = entry.connection;
    if (!connection)
      throw new ToolError(`tool server "${entry.name}" is ${entry.disabled ?? 'not available'}`);
    const args = input ?? {};
    const onCall = options.onCall;
    // Only a listener needs the id and the sizes: the call path stays lean without one.
    const base = onCall
      ? { callId: randomUUID(), server: entry.name, tool: tool.name, argsChars: JSON.stringify(args).length }
      : undefined;
    const emit = (event: Omit<ToolCallEvent, 'callId' | 'server' | 'tool' | 'argsChars'>) => {
      if (!onCall || !base) return;
      try {
        onCall({ ...base, ...event });
      } catch {
        // a failing listener must not fail the call
      }
    };
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    emit({ phase: 'start' });
    try {
      const meta =
        entry.builtIn && entry.name === 'workspace'
          ? { [WORKSPACE_META_KEY]: path.resolve(options.workspaceDir) }
          : undefined;
      const result = await connection.call(tool.name, args, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(meta ? { meta } : {}),
        onProgress: (p) =>
          emit({
            phase: 'progress',
            progress: {
              progress: p.progress,
              ...(p.total !== undefined ? { total: p.total } : {}),
              ...(p.message ? { message: p.message } : {}),
            },
          }),
      });
      if (result.isError) throw new ToolError(errorMessageOf(result));
      const value = unwrapResult(result);
      const resultChars = JSON.stringify(value)?.length ?? 0;
      if (resultChars > this.maxResultChars) {
        throw new ToolError(
          `${label} returned ${resultChars} characters, over the ${this.maxResultChars}-character limit; ask for less (a page, a filter, a smaller range)`,
        );
      }
      emit({ phase: 'end', ok: true, durationMs: elapsed(), resultChars });
      return value;
    } catch (error) {
      const failure =
        error instanceof ToolError
          ? error
          : new ToolError(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
      emit({ phase: 'end', ok: false, durationMs: elapsed(), error: failure.message });
      throw failure;
    }
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

  private decls(): Declarations {
    this.cached ??= generateDeclarations(
      this.entries
        .filter(
          (entry) => entry.connection?.status === 'connected' || entry.connection?.status === 'reconnecting',
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
    return this.cached;
  }
}

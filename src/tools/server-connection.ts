/**
 * One MCP server, kept connected: connects with a time limit (trying each transport in turn), lists
 * tools page by page, follows `tools/list_changed`, and reconnects with backoff when the connection
 * drops. A call in flight when the server dies fails at once with a clear error (the SDK rejects
 * pending requests on close); a call to a server that is not connected fails fast.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  type Progress,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../errors.ts';
import { callOnClient } from './call-on-client.ts';
import { ConnectFailure, describeConnectError, withTimeout } from './connection-errors.ts';
import { lazyOutputValidators } from './lazy-output-validators.ts';
import { ToolError } from './tool-error.ts';
import type { OpenedTransport, TransportFactory } from './transports.ts';
import type { ServerStatus } from './types.ts';

export interface ReconnectPolicy {
  /** Attempts after a drop before giving up (status `failed`). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ServerConnectionOptions {
  name: string;
  transports: TransportFactory[];
  connectTimeoutMs: number;
  callTimeoutMs: number;
  /** Which tools (by MCP name) are offered; the rest are hidden and refused. */
  allowTool?: (name: string) => boolean;
  reconnect?: ReconnectPolicy;
  onStatus?: (status: ServerStatus, error: string | undefined) => void;
  onToolsChanged?: () => void;
}

export interface ConnectionCallOptions {
  signal?: AbortSignal;
  meta?: Record<string, unknown>;
  onProgress?: (progress: Progress) => void;
}

const CLIENT_INFO = { name: 'toolsmith', version: '0.1.0' };
const MAX_PAGES = 100;

/** A kept-alive client of one MCP server. Call `start()` once, `close()` at the end. */
export class ServerConnection {
  readonly name: string;
  private readonly options: ServerConnectionOptions;
  private client: Client | undefined;
  private opened: OpenedTransport | undefined;
  private currentTools: Tool[] = [];
  private currentStatus: ServerStatus = 'connecting';
  private lastError: string | undefined;
  private lastDetail: string | undefined;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Transports being ended in the background (a failed attempt, a dropped connection). */
  private readonly ending = new Set<Promise<void>>();
  /** The connection attempt in progress, so that close() can end it instead of waiting for it. */
  private attempt: { client: Client; opened: OpenedTransport } | undefined;

  constructor(options: ServerConnectionOptions) {
    this.name = options.name;
    this.options = options;
  }

  get status(): ServerStatus {
    return this.currentStatus;
  }

  /** Why the server failed, is reconnecting or closed: safe to show to the model. */
  get error(): string | undefined {
    return this.lastError;
  }

  /** Diagnostics for operators (the end of the server's stderr); never shown to the model. */
  get detail(): string | undefined {
    return this.lastDetail;
  }

  /** The offered tools as last listed (kept while reconnecting). */
  get tools(): Tool[] {
    return this.currentTools;
  }

  /** Connect and list tools; never throws: a failure becomes status `failed` with the reason. */
  async start(): Promise<void> {
    this.setStatus('connecting', undefined);
    try {
      await this.connect();
      this.setStatus('connected', undefined);
    } catch (error) {
      if (this.closing) return; // closed while connecting: status `closed` says it all
      this.setStatus(
        'failed',
        describeError(error),
        error instanceof ConnectFailure ? error.detail : undefined,
      );
    }
  }

  /** Call a tool by its MCP name. Rejects with ToolError when not connected, timed out or dropped. */
  async call(
    tool: string,
    args: Record<string, unknown>,
    options: ConnectionCallOptions = {},
  ): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.currentStatus !== 'connected') {
      throw new ToolError(
        `tool server "${this.name}" is ${this.currentStatus}${this.lastError ? ` (${this.lastError})` : ''}`,
      );
    }
    return callOnClient(client, {
      server: this.name,
      tool,
      args,
      timeoutMs: this.options.callTimeoutMs,
      ...options,
    });
  }

  /**
   * Close the connection (and the child process); no reconnect after this. Resolves once every
   * process this connection started is gone, including those of failed attempts ended in the background.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    // An attempt still connecting (a shutdown during start-up) is ended, not waited for.
    if (this.attempt) this.endInBackground(this.attempt.client, this.attempt.opened);
    this.attempt = undefined;
    await this.disconnect();
    await this.settled();
    this.setStatus('closed', undefined);
  }

  /** Resolves once the transports ended in the background are gone (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.ending.size > 0) await Promise.all(this.ending);
  }

  private async connect(): Promise<void> {
    const reasons: string[] = [];
    const details: string[] = [];
    for (const open of this.options.transports) {
      if (this.closing) break;
      const client = new Client(CLIENT_INFO, {
        capabilities: {},
        jsonSchemaValidator: lazyOutputValidators(),
      });
      let opened: OpenedTransport | undefined;
      try {
        opened = await open();
        const connected = opened;
        this.attempt = { client, opened };
        await withTimeout(
          (async () => {
            await client.connect(connected.transport);
            this.currentTools = await this.listAll(client);
          })(),
          this.options.connectTimeoutMs,
          `did not answer within ${this.options.connectTimeoutMs} ms`,
        );
        if (this.closing) throw new Error('closed while connecting');
        this.attempt = undefined;
        this.client = client;
        this.opened = connected;
        client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.scheduleRefresh(client));
        client.onclose = () => this.onDropped(client);
        return;
      } catch (error) {
        const detail = opened?.detail();
        if (this.attempt?.client === client) this.attempt = undefined;
        reasons.push(`${opened?.kind ?? 'transport'}: ${describeConnectError(error)}`);
        if (detail) details.push(detail);
        // Reported at once; the process (a server that hangs may ignore stdin closing and SIGTERM)
        // is ended in the background, and close() waits for it.
        this.endInBackground(client, opened);
      }
    }
    throw new ConnectFailure(reasons.join('; '), details.join('; ') || undefined);
  }

  private async listAll(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...result.tools);
      if (!result.nextCursor || result.nextCursor === cursor) break;
      cursor = result.nextCursor;
    }
    const allow = this.options.allowTool ?? (() => true);
    // Task-only tools need the experimental tasks API, which the hub does not speak: leave them out.
    return tools.filter((tool) => allow(tool.name) && tool.execution?.taskSupport !== 'required');
  }

  private scheduleRefresh(client: Client): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (client !== this.client || this.closing) return;
      this.listAll(client).then(
        (tools) => {
          if (client !== this.client) return;
          this.currentTools = tools;
          this.options.onToolsChanged?.();
        },
        () => {}, // a failed refresh keeps the last list; a dead connection is handled by onclose
      );
    }, 50);
  }

  private onDropped(client: Client): void {
    if (client !== this.client || this.closing) return;
    const detail = this.opened?.detail();
    this.client = undefined;
    this.endInBackground(undefined, this.opened);
    this.opened = undefined;
    const why = 'the connection closed (the server exited or crashed)';
    const policy = this.options.reconnect;
    if (!policy || policy.attempts <= 0) {
      this.setStatus('failed', why, detail);
      return;
    }
    this.retry(1, policy, why, detail);
  }

  private retry(attempt: number, policy: ReconnectPolicy, why: string, detail: string | undefined): void {
    this.setStatus('reconnecting', `${why}; reconnect attempt ${attempt} of ${policy.attempts}`, detail);
    const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    this.retryTimer = setTimeout(async () => {
      if (this.closing) return;
      const before = JSON.stringify(this.currentTools.map((tool) => tool.name));
      try {
        await this.connect();
        if (this.closing) return void (await this.disconnect());
        this.setStatus('connected', undefined);
        if (JSON.stringify(this.currentTools.map((tool) => tool.name)) !== before)
          this.options.onToolsChanged?.();
      } catch (error) {
        if (this.closing) return;
        const latest = error instanceof ConnectFailure ? error.detail : undefined;
        if (attempt >= policy.attempts) {
          this.setStatus(
            'failed',
            `${why}; gave up after ${attempt} reconnect attempts: ${describeError(error)}`,
            latest,
          );
        } else this.retry(attempt + 1, policy, why, latest ?? detail);
      }
    }, delay);
  }

  private endInBackground(client: Client | undefined, opened: OpenedTransport | undefined): void {
    const ended = (async () => {
      await client?.close().catch(() => {});
      await opened?.dispose?.().catch(() => {});
    })();
    this.ending.add(ended);
    void ended.finally(() => this.ending.delete(ended));
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    const opened = this.opened;
    this.client = undefined;
    this.opened = undefined;
    await client?.close().catch(() => {});
    await opened?.dispose?.().catch(() => {});
  }

  private setStatus(status: ServerStatus, error: string | undefined, detail?: string): void {
    const changed = status !== this.currentStatus || error !== this.lastError;
    this.currentStatus = status;
    this.lastError = error;
    this.lastDetail = detail;
    if (changed) this.options.onStatus?.(status, error);
  }
}

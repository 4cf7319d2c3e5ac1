/**
 * Transports for one server, in the order to try them: stdio; streamable HTTP then SSE as fallback;
 * or an in-process McpServer over InMemoryTransport (the built-ins, same client path as the rest).
 * A stdio child gets only basic variables (PATH, HOME, ...) plus its configured `env`: Toolsmith's
 * own secrets never reach a tool server.
 */
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from './mcp-config.ts';
import type { ServerUser } from './server-user.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

/** A transport ready to hand to `Client.connect`, with what to say when it fails. */
export interface OpenedTransport {
  transport: Transport;
  /** A label for messages: `stdio`, `streamable HTTP`, `SSE`, `in-process`. */
  kind: string;
  /** Extra detail after a failure, e.g. the last lines the process wrote to stderr. */
  detail(): string;
  /**
   * Release anything besides the transport, after `transport.close()`: the in-process server, or
   * (stdio) resolve once the child process is gone, which closing has already set in motion.
   */
  dispose?(): Promise<void>;
}

export type TransportFactory = () => Promise<OpenedTransport>;

/** Environment variables a stdio server inherits from Toolsmith's own environment. */
export const INHERITED_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'TMPDIR',
  'TZ',
];

/** The factories to try, in order, for a configured server (stdio ones as `user`, when given). */
export function transportsFor(
  config: McpServerConfig,
  parentEnv: Readonly<Record<string, string | undefined>> = {},
  user?: ServerUser,
): TransportFactory[] {
  if (config.transport === 'stdio') return [async () => openStdio(config, parentEnv, user)];
  const url = new URL(config.url);
  const requestInit = { headers: config.headers };
  const sse: TransportFactory = async () => ({
    transport: new SSEClientTransport(url, { requestInit }),
    kind: 'SSE',
    detail: () => '',
  });
  if (config.transport === 'sse') return [sse];
  const http: TransportFactory = async () => ({
    transport: new StreamableHTTPClientTransport(url, { requestInit }),
    kind: 'streamable HTTP',
    detail: () => '',
  });
  return [http, sse];
}

/** An MCP server object that can serve one transport: `McpServer`, or the low-level `Server`. */
export interface ConnectableServer {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** A factory connecting a fresh in-process server (one per connection) over InMemoryTransport. */
export function inProcessTransport(createServer: () => ConnectableServer): TransportFactory {
  return async () => {
    const server = createServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    return { transport: clientSide, kind: 'in-process', detail: () => '', dispose: () => server.close() };
  };
}

/** The environment a stdio server starts with: inherited basics plus its configured variables. */
export function serverEnv(
  configured: Record<string, string>,
  parentEnv: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = parentEnv[key];
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...configured };
}

function openStdio(
  config: Extract<McpServerConfig, { transport: 'stdio' }>,
  parentEnv: Record<string, string | undefined>,
  user: ServerUser | undefined,
): OpenedTransport {
  const ownHome: Record<string, string> = user
    ? { HOME: user.home, USER: user.name, LOGNAME: user.name }
    : {};
  const transport = new ChildStdioTransport({
    command: config.command,
    args: config.args,
    env: serverEnv({ ...ownHome, ...config.env }, parentEnv),
    ...(config.cwd ? { cwd: config.cwd } : {}),
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  // Keep the tail of stderr for failure messages; reading it also keeps the child from blocking.
  let tail = '';
  transport.stderr.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  });
  return {
    transport,
    kind: 'stdio',
    dispose: async () => {
      await transport.close();
      await transport.exited;
    },
    detail: () => {
      const lines = tail.trim().split('\n').slice(-5).join(' | ');
      return lines ? `stderr: ${lines.slice(-600)}` : '';
    },
  };
}

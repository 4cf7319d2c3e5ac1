/** MCP server configs for tests and benches: a stdio server run on this Node, and server-everything. */
import path from 'node:path';
import type { McpServerConfig } from '../../src/tools/mcp-config.ts';

/** The entry point of @modelcontextprotocol/server-everything (run it with `stdio` or `streamableHttp`). */
export const EVERYTHING_SERVER = path.resolve(
  import.meta.dirname,
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);

/** A stdio server run with this process's Node: `args` are the script and its arguments. */
export function stdioServer(
  name: string,
  args: string[],
  extra: Partial<McpServerConfig> = {},
): McpServerConfig {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args,
    env: {},
    cwd: undefined,
    enabled: true,
    allowedTools: undefined,
    disabledTools: [],
    timeoutMs: undefined,
    connectTimeoutMs: undefined,
    ...extra,
  } as McpServerConfig;
}

/** MCP server configs for tests and benches: a stdio server run on this Node, and server-everything. */
import path from 'node:path';
import type { McpServerConfig } from '../../src/tools/mcp-config.ts';

/** The entry point of @modelcontextprotocol/server-everything (run it with `stdio` or `streamableHttp`). */
export const EVERYTHING_SERVER = path.resolve(
  import.meta.dirname,
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);

/** Turns Node's compile cache on in a test server (see the file). */
const COMPILE_CACHE = path.join(import.meta.dirname, 'compile-cache.mjs');

/** A stdio server run with this process's Node (or `extra.command`): `args` are the script and its arguments. */
export function stdioServer(
  name: string,
  args: string[],
  extra: Partial<McpServerConfig> = {},
): McpServerConfig {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args:
      (('command' in extra && extra.command) || process.execPath) === process.execPath
        ? ['--import', COMPILE_CACHE, ...args]
        : args,
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

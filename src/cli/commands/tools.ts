/**
 * `toolsmith tools`: the tool servers (configured and built-in), their status and tools, and the exact
 * declarations the model sees. Exit 1 when a configured server failed, so scripts can check a setup.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openToolHub } from '../../tools/open-tool-hub.ts';
import type { ServerInfo } from '../../tools/types.ts';
import { color, print } from '../print.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'Show the tool servers, their status and tools, and the declarations the model sees.',
  usage: 'toolsmith tools [--json]',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
    const config = loadConfig();
    const hub = await openToolHub(config);
    try {
      const servers = hub.servers();
      const declarations = hub.declarations();
      if (values.json) {
        const out = {
          servers: servers.map((s) => ({
            name: s.name,
            status: s.status,
            ...(s.error ? { error: s.detail ? `${s.error}; ${s.detail}` : s.error } : {}),
            tools: s.tools.map((t) => ({ name: t.name, description: t.description })),
          })),
          declarations,
        };
        print(JSON.stringify(out, null, 2));
      } else {
        print(color.bold(`Tool servers (${config.tools.mcpConfigPath})`));
        for (const server of servers) printServer(server);
        print();
        print(
          color.bold(
            `Declarations the model sees: ${declarations.length} characters (~${Math.ceil(declarations.length / 4)} tokens)`,
          ),
        );
        print(declarations);
      }
      return servers.some((s) => !s.builtIn && s.status === 'failed') ? 1 : 0;
    } finally {
      await hub.close();
    }
  },
};

export default command;

function printServer(server: ServerInfo): void {
  const paint =
    server.status === 'connected' ? color.green : server.status === 'failed' ? color.red : color.yellow;
  const kind = server.builtIn ? 'built-in' : 'configured';
  const size = server.declarationChars ? `, ${server.declarationChars} chars` : '';
  print(
    `  ${color.bold(server.name)}  ${paint(server.status)}  ${color.dim(`${kind}, ${server.tools.length} tools${size}`)}`,
  );
  if (server.error) print(`    ${paint(server.error)}`);
  if (server.detail) print(`    ${color.dim(server.detail)}`);
  for (const tool of server.tools) {
    const description = tool.description.split('\n')[0] ?? '';
    const name = tool.identifier === tool.name ? tool.name : `${tool.identifier} (${tool.name})`;
    print(`    ${color.cyan(name)}${description ? color.dim(`  ${description.slice(0, 100)}`) : ''}`);
  }
}

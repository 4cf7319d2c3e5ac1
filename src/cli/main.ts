/**
 * The `toolsmith` command: one entry point for the bot and the terminal tools. Each subcommand lives
 * in its own module under `src/cli/commands/`, loaded on demand (see command-table.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { terminalOptions } from '../config.ts';
import { ConfigError, ToolsmithError, UsageError } from '../errors.ts';
import { COMMANDS } from './command-table.ts';
import { hintFor } from './explain-error.ts';
import { printError } from './print.ts';

export type { CliCommand } from './types.ts';

const COMMAND_NAMES = Object.keys(COMMANDS);

function help(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return [
    `toolsmith ${version()}: a team coding agent (Discord bot and terminal)`,
    '',
    'usage: toolsmith <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    'Run `toolsmith <command> --help` for the options of one command; `toolsmith --version` for the version.',
  ].join('\n');
}

function version(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed
    ? String(parsed.version)
    : 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? process.stdout : process.stderr).write(`${help()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    printError(`unknown command "${name}"`);
    process.stderr.write(`${help()}\n`);
    return 2;
  }
  const command = (await entry.load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (isParseArgsError(error)) {
      printError(error.message.split('\n')[0] ?? error.message);
      process.stderr.write(`usage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      printError(error.message);
      return 2;
    }
    if (error instanceof ToolsmithError) {
      printError(error.message);
      return 1;
    }
    // Anything else is a bug or an outside fault: one line, what to check, the stack only when asked.
    printError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    const hint = hintFor(error);
    if (hint) process.stderr.write(`${hint}\n`);
    if (terminalOptions(process.stderr.isTTY).debug && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** util.parseArgs rejects unknown or malformed options with these codes: a usage error (exit 2). */
function isParseArgsError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}

/** `.env` in the working directory, when there is one; the environment wins over the file. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
}

loadDotEnv();
process.exitCode = await main(process.argv.slice(2));

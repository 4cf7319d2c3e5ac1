/**
 * The `toolsmith` command: one entry point for the bot and the terminal tools.
 * Each subcommand lives in its own module under `src/cli/commands/`, loaded on demand.
 */
import { terminalOptions } from '../config.ts';
import { ConfigError, ToolsmithError, UsageError } from '../errors.ts';
import { printError } from './print.ts';

export interface CliCommand {
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ default: CliCommand }>> = {
  sandbox: () => import('./commands/sandbox.ts'),
  run: () => import('./commands/run.ts'),
  chat: () => import('./commands/chat.ts'),
  bot: () => import('./commands/bot.ts'),
  'deploy-commands': () => import('./commands/deploy-commands.ts'),
  tools: () => import('./commands/tools.ts'),
  skills: () => import('./commands/skills.ts'),
};

function help(): string {
  return [
    'toolsmith: a team coding agent (Discord bot and terminal)',
    '',
    'usage: toolsmith <command> [options]',
    '',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    'Run `toolsmith <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    printError(`unknown command "${name}"`);
    process.stderr.write(`${help()}\n`);
    return 2;
  }
  const command = (await load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError || isParseArgsError(error)) {
      printError(error.message);
      return 2;
    }
    if (error instanceof ToolsmithError) {
      printError(error.message);
      return 1;
    }
    // Anything else is a bug or an unexpected fault: one line, and the stack only when asked for.
    printError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
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

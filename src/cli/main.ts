/**
 * The `toolsmith` command: one entry point for the bot and the terminal tools. Each subcommand lives
 * in its own module under `src/cli/commands/`, loaded on demand (see command-table.ts).
 *
 * The process starts in start.js, which switches Node's compile cache on first, so every start after
 * the first reuses the compiled code (and the TypeScript stripping) of the ~800 modules a `run`
 * loads instead of redoing it. `--version` and `--help` are answered from the command table alone.
 */
import { helpText, packageVersion } from './help.ts';

/** Run `toolsmith argv`; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? process.stdout : process.stderr).write(`${helpText()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  loadDotEnv();
  const { runCommand } = await import('./run-command.ts');
  return runCommand(name, rest);
}

/** `.env` in the working directory, when there is one; the environment wins over the file. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
}

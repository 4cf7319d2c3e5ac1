/**
 * One `toolsmith <command> ...`: the command module loaded on demand, its `--help`, and every error
 * turned into one line and an exit code (2 usage or configuration, 1 anything else).
 */
import { isolatesInProcess, terminalOptions } from '../config.ts';
import { ConfigError, ToolsmithError, UsageError } from '../errors.ts';
import { restartWithIsolateFlag } from '../sandbox/isolate-flag.ts';
import { COMMANDS } from './command-table.ts';
import { hintFor } from './explain-error.ts';
import { helpText } from './help.ts';
import { printError } from './print.ts';

/** Run the command `name` with its arguments; resolves to the process exit code. */
export async function runCommand(name: string, rest: string[]): Promise<number> {
  const entry = COMMANDS[name];
  if (!entry) {
    printError(`unknown command "${name}"`);
    process.stderr.write(`${helpText()}\n`);
    return 2;
  }
  const command = (await entry.load()).default;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  // Isolates in this process (SANDBOX_WORKERS=inline) need a flag toolsmith starts without.
  if (isolatesInProcess()) restartWithIsolateFlag();
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

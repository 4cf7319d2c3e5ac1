/** `toolsmith --help` and `--version`: answered from the command table alone, nothing else loaded. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS } from './command-table.ts';

/** The help: one line per command. */
export function helpText(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => name.length));
  return [
    `toolsmith ${packageVersion()}: a team coding agent (Discord bot and terminal)`,
    '',
    'usage: toolsmith <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    'Run `toolsmith <command> --help` for the options of one command; `toolsmith --version` for the version.',
  ].join('\n');
}

/** The version in package.json. */
export function packageVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed
    ? String(parsed.version)
    : 'unknown';
}

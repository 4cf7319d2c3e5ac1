/** The CLI's printer: the one place in `src/` that writes to the terminal. */
import { terminalOptions } from '../config.ts';

const useColor = terminalOptions(process.stdout.isTTY).color;

export const color = {
  dim: (text: string) => (useColor ? `\x1b[2m${text}\x1b[22m` : text),
  red: (text: string) => (useColor ? `\x1b[31m${text}\x1b[39m` : text),
  green: (text: string) => (useColor ? `\x1b[32m${text}\x1b[39m` : text),
  yellow: (text: string) => (useColor ? `\x1b[33m${text}\x1b[39m` : text),
  cyan: (text: string) => (useColor ? `\x1b[36m${text}\x1b[39m` : text),
  bold: (text: string) => (useColor ? `\x1b[1m${text}\x1b[22m` : text),
};

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`${useColor ? '\x1b[31merror\x1b[39m' : 'error'}: ${text}\n`);
}

/** A side note for the operator (start-up events and the like), on stderr. */
export function printNote(text: string): void {
  process.stderr.write(`${color.dim(text)}\n`);
}

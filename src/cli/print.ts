/** The CLI's printer: the one place in `src/` that writes to the terminal. */
import { terminalOptions } from '../config.ts';

// Decided on first use, not on import: the CLI loads `.env` (which may set NO_COLOR) after its imports.
let colorOn: boolean | undefined;
const useColor = (): boolean => {
  colorOn ??= terminalOptions(process.stdout.isTTY).color;
  return colorOn;
};
const paint = (open: string, close: string) => (text: string) =>
  useColor() ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export const color = {
  dim: paint('2', '22'),
  red: paint('31', '39'),
  green: paint('32', '39'),
  yellow: paint('33', '39'),
  cyan: paint('36', '39'),
  bold: paint('1', '22'),
};

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`${color.red('error')}: ${text}\n`);
}

/** A side note for the operator (start-up events and the like), on stderr. */
export function printNote(text: string): void {
  process.stderr.write(`${color.dim(text)}\n`);
}

/** The CLI's printer: the one place in `src/` that writes to the terminal. */
import { terminalOptions } from '../config.ts';

/** Text styles; each is the identity when colours are off. */
export interface Paint {
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  italic(text: string): string;
}

/** Styles that are on only when `enabled` (a TTY without NO_COLOR: see `terminalOptions`). */
export function createPaint(enabled: () => boolean): Paint {
  const style = (open: string, close: string) => (text: string) =>
    enabled() ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    dim: style('2', '22'),
    red: style('31', '39'),
    green: style('32', '39'),
    yellow: style('33', '39'),
    cyan: style('36', '39'),
    bold: style('1', '22'),
    italic: style('3', '23'),
  };
}

// Decided on first use, not on import: the CLI loads `.env` (which may set NO_COLOR) after its imports.
let colorOn: boolean | undefined;

/** Styles for stdout. */
export const color: Paint = createPaint(() => {
  colorOn ??= terminalOptions(process.stdout.isTTY).color;
  return colorOn;
});

let errorColorOn: boolean | undefined;

/** Styles for stderr (progress and errors of `toolsmith run`). */
export const errorColor: Paint = createPaint(() => {
  errorColorOn ??= terminalOptions(process.stderr.isTTY).color;
  return errorColorOn;
});

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`${errorColor.red('error')}: ${text}\n`);
}

/** A warning for the operator, on stderr. */
export function printWarning(text: string): void {
  process.stderr.write(`${errorColor.yellow('warning')}: ${text}\n`);
}

/** A side note for the operator (start-up events and the like), on stderr. */
export function printNote(text: string): void {
  process.stderr.write(`${errorColor.dim(text)}\n`);
}

/**
 * Where the terminal front ends write: whole lines, and on a TTY one live status line under them
 * (spinner, step, time, tokens, ...) that is cleared before every line and drawn again after it, so
 * printed text never mixes with it. On a pipe there is no status line and no escape sequence.
 */

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

/** The stream a screen writes to: a process stream, or a test's recorder. */
export interface ScreenStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Screen {
  /** True when the stream is a terminal (the status line is drawn). */
  readonly tty: boolean;
  /** Columns of the terminal (80 on a pipe). */
  width(): number;
  /** Print text as whole lines (a trailing newline is added). */
  line(text: string): void;
  /**
   * Show a live status, recomputed on every frame (so elapsed time moves); `undefined` hides it.
   * Ignored on a pipe.
   */
  status(text: (() => string) | undefined): void;
  /**
   * Hide the status line until the returned function is called (e.g. while a question waits on the
   * line below the last printed one: a frame would erase it). Lines still print meanwhile.
   */
  pause(): () => void;
  /** Hide the status line and stop its timer. */
  close(): void;
}

export interface ScreenOptions {
  stream: ScreenStream;
  /** Draw the status line (default: when the stream is a TTY). */
  tty?: boolean;
  /** Milliseconds between frames (default 100). */
  frameMs?: number;
}

export function createScreen(options: ScreenOptions): Screen {
  const { stream } = options;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const frameMs = options.frameMs ?? 100;
  let text: (() => string) | undefined;
  let shown = false;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  let paused = 0;
  const width = () => Math.max(20, stream.columns ?? 80);

  const clear = () => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };
  const draw = () => {
    if (!tty || !text || paused > 0) return;
    const body = `${SPINNER[frame % SPINNER.length]} ${oneLine(text())}`;
    // One column short of the width, so the cursor never wraps onto a new row.
    stream.write(`${CLEAR_LINE}\x1b[2m${fitColumns(body, width() - 1)}\x1b[22m`);
    shown = true;
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    tty,
    width,
    line(line) {
      clear();
      stream.write(`${line}\n`);
      draw();
    },
    status(next) {
      text = tty ? next : undefined;
      if (!text) {
        stopTimer();
        clear();
        return;
      }
      if (!timer) {
        timer = setInterval(() => {
          frame++;
          draw();
        }, frameMs);
        timer.unref();
      }
      draw();
    },
    pause() {
      paused++;
      clear();
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        paused--;
        draw();
      };
    },
    close() {
      text = undefined;
      stopTimer();
      clear();
    },
  };
}

/** The status on one row: newlines and control characters become spaces. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** Cut `text` to `columns` code points, with an ellipsis when cut. */
export function fitColumns(text: string, columns: number): string {
  const chars = [...text];
  return chars.length <= columns ? text : `${chars.slice(0, Math.max(0, columns - 1)).join('')}…`;
}

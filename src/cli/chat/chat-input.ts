/**
 * What the person at `toolsmith chat` types, as whole messages. A message may span lines: a pasted
 * block (lines that arrive together on a terminal are one message), a line ending in `\` continued
 * on the next, or a `"""` block. On a terminal Ctrl-C clears a half-typed message first, then stops a
 * running step, then (pressed twice) leaves. End of input (Ctrl-D, or the end of a piped script)
 * ends the stream after the messages already typed.
 */
import { createInterface, type Interface } from 'node:readline';

export interface ChatInputOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Interactive line editing (default: both streams are TTYs). */
  terminal?: boolean;
  /** Ctrl-C with nothing typed: return true when it stopped something (a running step). */
  onInterrupt(): boolean;
  /** Told when Ctrl-C was pressed with nothing to stop (once: the next one leaves). */
  onExitHint(): void;
  /** Lines arriving within this many ms of each other on a terminal are one message (default 25). */
  pasteMs?: number;
}

export interface ChatInput {
  readonly terminal: boolean;
  /** The next message, or undefined when the input ended (or the person left with Ctrl-C). */
  next(): Promise<string | undefined>;
  /** Show the prompt (on a terminal). */
  prompt(): void;
  /** Put text into the line being edited (e.g. a message that could not be sent), on a terminal. */
  refill(text: string): void;
  close(): void;
}

const PROMPT = '> ';
const MORE = '… ';
const BLOCK = '"""';

/** Messages from a terminal or a pipe (see the module header). */
export function createChatInput(options: ChatInputOptions): ChatInput {
  const terminal = options.terminal ?? Boolean(options.input.isTTY && options.output.isTTY);
  const state: InputState = {
    options,
    terminal,
    pasteMs: options.pasteMs ?? 25,
    rl: createInterface({ input: options.input, output: options.output, terminal, prompt: PROMPT }),
    ready: [],
    waiting: [],
    lines: [],
    inBlock: false,
    continued: false,
    ended: false,
    exitArmed: false,
    pasteTimer: undefined,
  };
  const { rl, ready, waiting } = state;
  rl.on('line', (line) => onLine(state, line));
  rl.on('SIGINT', () => onInterrupt(state));
  rl.on('close', () => finish(state));

  return {
    terminal,
    next() {
      const message = ready.shift();
      if (message !== undefined) return Promise.resolve(message);
      if (state.ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    prompt() {
      if (terminal && !state.ended) rl.prompt();
    },
    refill(text) {
      if (terminal && !state.ended) rl.write(text.replace(/\n/g, ' '));
    },
    close: () => finish(state),
  };
}

/** The reader's streams and settings, the messages not yet taken, and the message being typed. */
interface InputState {
  readonly options: ChatInputOptions;
  readonly terminal: boolean;
  readonly pasteMs: number;
  readonly rl: Interface;
  readonly ready: string[];
  readonly waiting: ((message: string | undefined) => void)[];
  /** Lines of the message being put together. */
  lines: string[];
  inBlock: boolean;
  continued: boolean;
  ended: boolean;
  exitArmed: boolean;
  pasteTimer: NodeJS.Timeout | undefined;
}

function deliver(state: InputState, message: string | undefined): void {
  const take = state.waiting.shift();
  if (take) take(message);
  else if (message !== undefined) state.ready.push(message);
}

function submit(state: InputState): void {
  const text = state.lines.join('\n').trim();
  state.lines = [];
  state.continued = false;
  if (text) deliver(state, text);
  else if (state.terminal) state.rl.prompt();
}

function more(state: InputState): void {
  state.rl.setPrompt(MORE);
  if (state.terminal) state.rl.prompt();
}

const currentLine = (state: InputState) => (state.rl as Interface & { line?: string }).line ?? '';

function onLine(state: InputState, line: string): void {
  state.exitArmed = false;
  if (state.inBlock) {
    blockLine(state, line);
    return;
  }
  if (state.lines.length === 0 && !state.continued && line.trimStart().startsWith(BLOCK)) {
    openBlock(state, line.trimStart().slice(BLOCK.length));
    return;
  }
  if (line.endsWith('\\')) {
    state.lines.push(line.slice(0, -1));
    state.continued = true;
    more(state);
    return;
  }
  state.lines.push(line);
  state.continued = false;
  state.rl.setPrompt(PROMPT);
  if (!state.terminal) {
    submit(state);
    return;
  }
  // A paste arrives as several lines at once: wait a moment, and while text is still in the
  // line being edited (a paste without a final newline), wait for Enter.
  clearTimeout(state.pasteTimer);
  state.pasteTimer = setTimeout(() => {
    if (currentLine(state) === '') submit(state);
  }, state.pasteMs);
}

/** A line inside a `"""` block: the block ends on a line ending in `"""`. */
function blockLine(state: InputState, line: string): void {
  if (line.trimEnd().endsWith(BLOCK)) {
    state.lines.push(line.trimEnd().slice(0, -BLOCK.length));
    state.inBlock = false;
    state.rl.setPrompt(PROMPT);
    submit(state);
  } else {
    state.lines.push(line);
    more(state);
  }
}

/** A line starting with `"""` (`rest` is what follows): a block, or a whole `"""text"""` message. */
function openBlock(state: InputState, rest: string): void {
  if (rest.trimEnd().endsWith(BLOCK) && rest.trim().length >= BLOCK.length) {
    state.lines.push(rest.trimEnd().slice(0, -BLOCK.length));
    submit(state);
    return;
  }
  state.inBlock = true;
  if (rest.trim()) state.lines.push(rest);
  more(state);
}

/** Ctrl-C: clear what is typed, else stop a running step, else (the second time) leave. */
function onInterrupt(state: InputState): void {
  const { rl, options } = state;
  const typed = currentLine(state) !== '' || state.lines.length > 0 || state.inBlock;
  if (typed) {
    clearTimeout(state.pasteTimer);
    state.lines = [];
    state.inBlock = false;
    state.continued = false;
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    rl.setPrompt(PROMPT);
    options.output.write('^C\n');
    rl.prompt();
    return;
  }
  if (options.onInterrupt()) return;
  if (state.exitArmed) {
    finish(state);
    return;
  }
  state.exitArmed = true;
  options.onExitHint();
  rl.prompt();
}

function finish(state: InputState): void {
  if (state.ended) return;
  state.ended = true;
  clearTimeout(state.pasteTimer);
  // Leave the prompt's row, so what is printed next starts on a line of its own.
  if (state.terminal) state.options.output.write('\n');
  // What was typed before the end is still a message (an unfinished """ block included).
  if (state.lines.length > 0) submit(state);
  for (const take of state.waiting.splice(0)) take(undefined);
  state.rl.close();
}

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

export function createChatInput(options: ChatInputOptions): ChatInput {
  const terminal = options.terminal ?? Boolean(options.input.isTTY && options.output.isTTY);
  const pasteMs = options.pasteMs ?? 25;
  const rl: Interface = createInterface({
    input: options.input,
    output: options.output,
    terminal,
    prompt: PROMPT,
  });
  const ready: string[] = [];
  const waiting: ((message: string | undefined) => void)[] = [];
  /** Lines of the message being put together. */
  let lines: string[] = [];
  let inBlock = false;
  let continued = false;
  let ended = false;
  let exitArmed = false;
  let pasteTimer: NodeJS.Timeout | undefined;

  const deliver = (message: string | undefined) => {
    const take = waiting.shift();
    if (take) take(message);
    else if (message !== undefined) ready.push(message);
  };
  const submit = () => {
    const text = lines.join('\n').trim();
    lines = [];
    continued = false;
    if (text) deliver(text);
    else if (terminal) rl.prompt();
  };
  const more = () => {
    rl.setPrompt(MORE);
    if (terminal) rl.prompt();
  };

  rl.on('line', (line) => {
    exitArmed = false;
    if (inBlock) {
      if (line.trimEnd().endsWith(BLOCK)) {
        lines.push(line.trimEnd().slice(0, -BLOCK.length));
        inBlock = false;
        rl.setPrompt(PROMPT);
        submit();
      } else {
        lines.push(line);
        more();
      }
      return;
    }
    if (lines.length === 0 && !continued && line.trimStart().startsWith(BLOCK)) {
      const rest = line.trimStart().slice(BLOCK.length);
      if (rest.trimEnd().endsWith(BLOCK) && rest.trim().length >= BLOCK.length) {
        lines.push(rest.trimEnd().slice(0, -BLOCK.length));
        submit();
        return;
      }
      inBlock = true;
      if (rest.trim()) lines.push(rest);
      more();
      return;
    }
    if (line.endsWith('\\')) {
      lines.push(line.slice(0, -1));
      continued = true;
      more();
      return;
    }
    lines.push(line);
    continued = false;
    rl.setPrompt(PROMPT);
    if (!terminal) {
      submit();
      return;
    }
    // A paste arrives as several lines at once: wait a moment, and while text is still in the
    // line being edited (a paste without a final newline), wait for Enter.
    clearTimeout(pasteTimer);
    pasteTimer = setTimeout(() => {
      if (currentLine() === '') submit();
    }, pasteMs);
  });

  const currentLine = () => (rl as Interface & { line?: string }).line ?? '';

  rl.on('SIGINT', () => {
    const typed = currentLine() !== '' || lines.length > 0 || inBlock;
    if (typed) {
      clearTimeout(pasteTimer);
      lines = [];
      inBlock = false;
      continued = false;
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      rl.setPrompt(PROMPT);
      options.output.write('^C\n');
      rl.prompt();
      return;
    }
    if (options.onInterrupt()) return;
    if (exitArmed) {
      finish();
      return;
    }
    exitArmed = true;
    options.onExitHint();
    rl.prompt();
  });

  const finish = () => {
    if (ended) return;
    ended = true;
    clearTimeout(pasteTimer);
    // Leave the prompt's row, so what is printed next starts on a line of its own.
    if (terminal) options.output.write('\n');
    // What was typed before the end is still a message (an unfinished """ block included).
    if (lines.length > 0) submit();
    for (const take of waiting.splice(0)) take(undefined);
    rl.close();
  };
  rl.on('close', finish);

  return {
    terminal,
    next() {
      const message = ready.shift();
      if (message !== undefined) return Promise.resolve(message);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    prompt() {
      if (terminal && !ended) rl.prompt();
    },
    refill(text) {
      if (terminal && !ended) rl.write(text.replace(/\n/g, ' '));
    },
    close: finish,
  };
}

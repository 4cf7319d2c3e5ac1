/**
 * Keeps the head and the tail of a run's console output within a character budget and counts
 * what was cut from the middle, so huge output costs the host a bounded amount of memory.
 */
import type { LogEntry, LogLevel } from './types.ts';

export class OutputBuffer {
  readonly #budget: number;
  readonly #head: LogEntry[] = [];
  #headChars = 0;
  #tail: LogEntry[] = [];
  #tailChars = 0;
  #cutChars = 0;

  constructor(maxChars: number) {
    this.#budget = maxChars;
  }

  add(level: LogLevel, text: string): void {
    const half = Math.floor(this.#budget / 2);
    if (this.#tail.length === 0 && this.#headChars + text.length <= half) {
      this.#head.push({ level, text });
      this.#headChars += text.length;
      return;
    }
    let entry = { level, text };
    if (text.length > half) {
      this.#cutChars += text.length - half;
      entry = { level, text: text.slice(text.length - half) };
    }
    this.#tail.push(entry);
    this.#tailChars += entry.text.length;
    while (this.#tailChars > half && this.#tail.length > 1) {
      const dropped = this.#tail.shift();
      if (!dropped) break;
      this.#tailChars -= dropped.text.length;
      this.#cutChars += dropped.text.length;
    }
  }

  /** Characters dropped elsewhere (e.g. inside the isolate) that the note should count. */
  addCut(chars: number): void {
    this.#cutChars += chars;
  }

  get truncated(): boolean {
    return this.#cutChars > 0;
  }

  entries(): LogEntry[] {
    if (this.#cutChars === 0) return [...this.#head, ...this.#tail];
    const note = { level: 'warn' as const, text: `… [${this.#cutChars.toLocaleString('en-US')} characters of output cut] …` };
    return [...this.#head, note, ...this.#tail];
  }
}

/** Keep the head and tail of a long string, noting how much of the middle was cut. */
export function clip(text: string, maxChars: number): { text: string; cut: number } {
  if (text.length <= maxChars) return { text, cut: 0 };
  const half = Math.floor(maxChars / 2);
  const cut = text.length - 2 * half;
  return { text: `${text.slice(0, half)}\n… [${cut.toLocaleString('en-US')} characters cut] …\n${text.slice(-half)}`, cut };
}

/**
 * Keeps the head and the tail of a run's console output within a character budget and counts
 * what was cut from the middle, so huge output costs the host a bounded amount of memory.
 */
import { formatCount } from '../text/format-numbers.ts';
import type { LogEntry, LogLevel } from './types.ts';

/** A line is split between head and tail only when the head has at least this much room left. */
const MIN_FRAGMENT = 40;

/**
 * Output within the budget is kept whole. Past it, the head (the first half of the budget) is
 * frozen and the tail keeps the latest output in the rest; a line that overflows the head shows
 * its beginning there.
 */
export class OutputBuffer {
  readonly #budget: number;
  readonly #head: LogEntry[] = [];
  #headChars = 0;
  #headClosed = false;
  readonly #tail: LogEntry[] = [];
  #tailChars = 0;
  #cutChars = 0;
  #clipped = false;

  constructor(maxChars: number) {
    this.#budget = maxChars;
  }

  add(level: LogLevel, text: string): void {
    this.#tail.push({ level, text });
    this.#tailChars += text.length;
    if (this.#headChars + this.#tailChars > this.#budget) this.#compact();
  }

  #compact(): void {
    if (!this.#headClosed) {
      this.#headClosed = true;
      const half = Math.floor(this.#budget / 2);
      let first = this.#tail[0];
      while (first && this.#headChars + first.text.length <= half) {
        this.#head.push(first);
        this.#headChars += first.text.length;
        this.#tailChars -= first.text.length;
        this.#tail.shift();
        first = this.#tail[0];
      }
      const room = half - this.#headChars;
      if (first && room >= MIN_FRAGMENT) {
        this.#head.push({ level: first.level, text: first.text.slice(0, room) });
        this.#headChars += room;
        this.#tail[0] = { level: first.level, text: first.text.slice(room) };
        this.#tailChars -= room;
      }
    }
    const room = this.#budget - this.#headChars;
    while (this.#tailChars > room && this.#tail.length > 1) {
      const dropped = this.#tail.shift();
      if (!dropped) break;
      this.#tailChars -= dropped.text.length;
      this.#cutChars += dropped.text.length;
    }
    const last = this.#tail[0];
    if (last && this.#tailChars > room) {
      const cut = this.#tailChars - room;
      this.#tail[0] = { level: last.level, text: last.text.slice(cut) };
      this.#tailChars -= cut;
      this.#cutChars += cut;
    }
  }

  /** Characters dropped elsewhere (e.g. inside the isolate) that the note should count. */
  addCut(chars: number): void {
    this.#cutChars += chars;
  }

  /** Some line was cut in the middle (and says so itself): the output is truncated, no note needed. */
  markClipped(): void {
    this.#clipped = true;
  }

  get truncated(): boolean {
    return this.#cutChars > 0 || this.#clipped;
  }

  entries(): LogEntry[] {
    if (this.#cutChars === 0) return [...this.#head, ...this.#tail];
    const note = {
      level: 'warn' as const,
      text: `… [${formatCount(this.#cutChars)} characters of output cut] …`,
    };
    return [...this.#head, note, ...this.#tail];
  }
}

/** The one clip helper (src/text/clip.ts), re-exported where the output budget lives. */
export { clip } from '../text/clip.ts';

import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lower this process's priority to `nice` (a sandbox worker yields the CPU to the bot: hostile code
 * must not starve it). On Linux a nice value is per thread, so every thread started so far is
 * lowered; later ones inherit it from the thread that starts them.
 */
export function lowerPriority(nice: number): void {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0];
  }
  for (const thread of threads) {
    try {
      setPriority(thread, nice);
    } catch {
      // not allowed here: the worker runs at the parent's priority
    }
  }
}

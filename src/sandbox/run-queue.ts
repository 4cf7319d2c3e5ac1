/** One run at a time per sandbox, in order: shared by the inline and the process sandbox. */
import { UsageError } from '../errors.ts';

export class RunQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Check a `run(code)` call, then queue it after everything queued before it; a run that fails does
   * not stop those that follow.
   */
  run<T>(disposed: boolean, code: unknown, work: () => Promise<T>): Promise<T> {
    if (disposed) throw new UsageError('run() on a disposed sandbox');
    if (typeof code !== 'string') throw new UsageError('run() needs the code as a string');
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Check a `reset()` call and wait until everything queued so far has ended. */
  async drained(disposed: boolean): Promise<void> {
    if (disposed) throw new UsageError('reset() on a disposed sandbox');
    await this.#tail;
  }
}

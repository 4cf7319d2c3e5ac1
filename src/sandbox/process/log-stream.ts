import type { LogEntry } from '../types.ts';

/** Console lines of a run in a worker, on their way to the parent. */
export interface LogStream {
  add(entry: LogEntry): void;
  /** Send what is waiting now (before the run's result, so the lines arrive first). */
  flush(): void;
}

/** Lines sent in batches: one message per event-loop turn at most, however many lines the code writes. */
export function createLogStream(send: (entries: LogEntry[]) => void): LogStream {
  let batch: LogEntry[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    send(batch);
    batch = [];
  };
  return {
    flush,
    add(entry) {
      if (batch.length === 0) setImmediate(flush);
      batch.push(entry);
    },
  };
}

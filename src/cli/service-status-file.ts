/**
 * What a running Toolsmith's task service holds (live sessions, sandbox heap, memory, running and
 * queued tasks), written every few seconds to `DATA_DIR/toolsmith.status.json` by the process that
 * holds DATA_DIR (the bot, or a chat), so `toolsmith status` from another terminal can show it.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SandboxProcessInfo, ServiceStatus } from '../service/types.ts';
import { replaceFileSync } from '../store/replace-file.ts';

const FILE = 'toolsmith.status.json';

/** One sandbox worker as the status file holds it (checked against the service's own type). */
const SandboxProcessSchema = z.object({
  pid: z.number(),
  sandboxes: z.number(),
  rssBytes: z.number(),
  tainted: z.boolean(),
  recycling: z.boolean(),
}) satisfies z.ZodType<SandboxProcessInfo>;

const StatusFileSchema = z.object({
  pid: z.number().int(),
  at: z.string(),
  status: z.object({
    running: z.number(),
    queued: z.number(),
    maxConcurrent: z.number(),
    maxConcurrentPerServer: z.number(),
    liveSessions: z.number(),
    maxLiveSessions: z.number(),
    sandboxHeapBytes: z.number(),
    rssBytes: z.number(),
    servers: z.array(z.object({ scope: z.string(), running: z.number(), queued: z.number() })),
    // Optional: a status file written by an older version has none.
    sandboxProcesses: z.array(SandboxProcessSchema).default([]),
  }),
});

export type StatusFile = z.infer<typeof StatusFileSchema>;

/** Write the status now, every `everyMs` (default 5 s) and on `refresh`, until `stop` removes the file. */
export function startStatusFile(
  dataDir: string,
  status: () => ServiceStatus,
  everyMs = 5000,
): { refresh(): void; stop(): void } {
  const file = path.join(dataDir, FILE);
  const write = () => {
    try {
      replaceFileSync(
        file,
        JSON.stringify({ pid: process.pid, at: new Date().toISOString(), status: status() }),
      );
    } catch {
      // a status file is a convenience: a full disk must not stop the bot
    }
  };
  write();
  const timer = setInterval(write, everyMs);
  timer.unref();
  return {
    refresh: write,
    stop() {
      clearInterval(timer);
      rmSync(file, { force: true });
    },
  };
}

/** The last status written by process `pid`, if there is a readable one. */
export function readStatusFile(dataDir: string, pid: number): StatusFile | undefined {
  try {
    const parsed = StatusFileSchema.safeParse(JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')));
    return parsed.success && parsed.data.pid === pid ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

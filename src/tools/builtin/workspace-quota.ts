/**
 * The quota of a workspace: how many bytes its files may hold in total (WORKSPACE_MAX_BYTES), as
 * opposed to the payload limit of one call. Changes to one workspace run one at a time, so the check
 * and the write cannot race: 64 concurrent appends cannot each see the same free space.
 *
 * The bytes in use are measured by walking the folder, then kept up to date by the changes made here,
 * and measured again when the last measure is older than `refreshMs` (files can also arrive from
 * elsewhere: attachments, `--file`).
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../text/format-numbers.ts';
import { ToolError } from '../tool-error.ts';

/** What a change sees while it holds its workspace. */
export interface QuotaLedger {
  /** Bytes the workspace's files hold now. */
  readonly used: number;
  readonly limit: number;
  /** Throws a ToolError naming the quota when `delta` more bytes would not fit. */
  check(delta: number, what: string): void;
  /** Record a change made (negative when bytes were freed). */
  add(delta: number): void;
}

export interface WorkspaceQuota {
  readonly limit: number;
  /** Run `change` alone for the workspace `root` (a real path). A failed change measures again. */
  exclusive<T>(root: string, change: (ledger: QuotaLedger) => Promise<T>): Promise<T>;
}

export interface WorkspaceQuotaOptions {
  /** Most bytes one workspace's files may hold. */
  maxBytes: number;
  /** Measure the folder again after this long (default 2000 ms). */
  refreshMs?: number;
  now?: () => number;
}

interface State {
  tail: Promise<unknown>;
  waiting: number;
  used: number | undefined;
  measuredAt: number;
}

const KEEP_IDLE = 256;

/** Default quota of one workspace (WORKSPACE_MAX_BYTES): 1 GiB. */
export const DEFAULT_WORKSPACE_MAX_BYTES = 1024 * 1024 * 1024;

/** The quota message for `what`, naming the limit and how to get under it. */
export function quotaMessage(what: string, after: number, limit: number): string {
  return (
    `${what} would bring the workspace to ${formatBytes(after)}, over its quota of ${formatBytes(limit)} ` +
    `(${limit} bytes, WORKSPACE_MAX_BYTES); delete files you no longer need, or write less`
  );
}

export function createWorkspaceQuota(options: WorkspaceQuotaOptions): WorkspaceQuota {
  const limit = options.maxBytes;
  const refreshMs = options.refreshMs ?? 2000;
  const now = options.now ?? Date.now;
  const states = new Map<string, State>();

  return {
    limit,
    exclusive(root, change) {
      let state = states.get(root);
      if (!state) {
        state = { tail: Promise.resolve(), waiting: 0, used: undefined, measuredAt: 0 };
        states.set(root, state);
      }
      const current = state;
      current.waiting++;
      const settle = (): void => {
        current.waiting--;
        if (current.waiting === 0 && states.size > KEEP_IDLE) states.delete(root);
      };
      const run = current.tail.then(async () => {
        if (current.used === undefined || now() - current.measuredAt > refreshMs) {
          current.used = await bytesUnder(root);
          current.measuredAt = now();
        }
        let used = current.used;
        let refused = false;
        const ledger: QuotaLedger = {
          get used() {
            return used;
          },
          limit,
          check(delta, what) {
            if (delta <= 0 || used + delta <= limit) return;
            refused = true;
            throw new ToolError(quotaMessage(what, used + delta, limit));
          },
          add(delta) {
            used += delta;
          },
        };
        try {
          const result = await change(ledger);
          current.used = used;
          return result;
        } catch (error) {
          // A refusal changed nothing; any other failure may have written part: measure again.
          current.used = refused ? used : undefined;
          throw error;
        }
      });
      current.tail = run.then(settle, settle);
      return run;
    },
  };
}

/** Bytes held by the regular files under `dir` (symlinks are not followed; they hold nothing). */
export async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const walk = async (folder: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile())
        total += await lstat(full).then(
          (info) => info.size,
          () => 0,
        );
    }
  };
  await walk(dir);
  return total;
}

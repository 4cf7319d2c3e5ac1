/**
 * Keep the bot's secrets out of `/proc/<pid>/environ`, which any process of the same user can read: a
 * stdio MCP server (or anything it runs) would find the API keys there even though it was started with
 * a clean environment. Deleting variables does not help: that file shows the memory the kernel
 * set up at exec, and libc's `unsetenv` only unlinks its pointer to it.
 *
 * So each secret's variable is first set again (libc's `setenv` copies it to the heap and points the
 * environment there, so the variables keep their values), then its bytes in the initial block are
 * overwritten through `/proc/self/mem` (the block's bounds are fields 50 and 51 of `/proc/self/stat`).
 * Linux only; elsewhere, or when the kernel refuses the write, the result says why.
 *
 * What this does not cover (see README, Tools): the secrets still live in the bot's heap, which
 * `/proc/<pid>/mem` exposes to a process that may ptrace the bot (root, or the same user where Yama's
 * ptrace_scope is 0); and files such as `.env` that the server's user can read. Running tool servers
 * as another user (MCP_SERVER_USER) closes both.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
// Configuration is read in src/config.ts only; this module reads no setting, it only sets again the
// variables it is about to wipe, which needs the live environment object itself.
import { env as liveEnv } from 'node:process';

export interface ScrubResult {
  /** Variables whose values were overwritten in the initial environment block. */
  scrubbed: string[];
  /** Why nothing could be done, when that is the case. */
  unsupported?: string;
}

export interface ScrubOptions {
  /** The live environment, whose variables are set again before scrubbing (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** `/proc/self` (tests may point elsewhere only to see the unsupported path). */
  procSelf?: string;
}

/**
 * Overwrite, in this process's initial environment block, the value of every variable for which
 * `isSecret(name, value)` is true. Idempotent; never throws.
 */
export function scrubEnviron(
  isSecret: (name: string, value: string) => boolean,
  options: ScrubOptions = {},
): ScrubResult {
  const procSelf = options.procSelf ?? '/proc/self';
  const env = options.env ?? liveEnv;
  if (process.platform !== 'linux') return { scrubbed: [], unsupported: `not Linux (${process.platform})` };
  let start: number;
  let block: Buffer;
  try {
    start = envStart(readFileSync(`${procSelf}/stat`, 'utf8'));
    block = readFileSync(`${procSelf}/environ`);
  } catch (error) {
    return { scrubbed: [], unsupported: `cannot read ${procSelf}: ${(error as Error).message}` };
  }
  const targets: { name: string; offset: number; length: number }[] = [];
  let offset = 0;
  while (offset < block.length) {
    let end = block.indexOf(0, offset);
    if (end === -1) end = block.length;
    const entry = block.toString('utf8', offset, end);
    const equals = entry.indexOf('=');
    if (equals > 0) {
      const name = entry.slice(0, equals);
      const value = entry.slice(equals + 1);
      const valueOffset = offset + Buffer.byteLength(entry.slice(0, equals + 1));
      if (value && !/^\*+$/.test(value) && isSecret(name, value))
        targets.push({ name, offset: valueOffset, length: end - valueOffset });
    }
    offset = end + 1;
  }
  if (targets.length === 0) return { scrubbed: [] };
  let fd: number;
  try {
    fd = openSync(`${procSelf}/mem`, 'r+');
  } catch (error) {
    return { scrubbed: [], unsupported: `cannot open ${procSelf}/mem: ${(error as Error).message}` };
  }
  const scrubbed: string[] = [];
  try {
    for (const target of targets) {
      // Move the live variable off the block first: libc copies it and repoints `environ`.
      const current = env[target.name];
      if (current !== undefined) env[target.name] = current;
      writeSync(fd, Buffer.alloc(target.length, '*'), 0, target.length, start + target.offset);
      scrubbed.push(target.name);
    }
  } catch (error) {
    return { scrubbed, unsupported: `writing ${procSelf}/mem failed: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
  return { scrubbed };
}

/** `env_start` (field 50) from the text of /proc/<pid>/stat. */
function envStart(stat: string): number {
  // Field 2 (the command name) is in parentheses and may hold spaces: count fields after its `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(fields[50 - 3]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error('no env_start in stat (kernel < 3.5?)');
  return value;
}

/**
 * isolated-vm on Node 20+ needs its process started with `--no-node-snapshot`, and Node's start-up
 * snapshot is worth ~0.25 s of CPU at every start of `toolsmith`. So the command starts without the
 * flag and keeps its isolates in worker processes started with it (sandbox/process/); a process that
 * must hold isolates itself (SANDBOX_WORKERS=inline) replaces itself with one that has the flag.
 */
export const ISOLATE_FLAG = '--no-node-snapshot';

/** Whether this process was started with the flag on its command line. */
export function hasIsolateFlag(): boolean {
  return process.execArgv.includes(ISOLATE_FLAG);
}

/**
 * Unless it has the flag, become this same command with it: `process.execve` keeps the pid, the
 * environment, the terminal, stdin and stdout, so a person or a parent waiting on this process sees
 * one process. Returns only when the process already had the flag (or cannot exec: the sandbox then
 * refuses with a clear error).
 */
export function restartWithIsolateFlag(): void {
  if (hasIsolateFlag()) return;
  process.execve?.(process.execPath, [
    process.execPath,
    ISOLATE_FLAG,
    ...process.execArgv,
    ...process.argv.slice(1),
  ]);
}

/**
 * An MCP stdio client transport whose child process Toolsmith ends on its own terms. The SDK's
 * StdioClientTransport waits up to 2 s for the child after closing stdin, then sends SIGTERM and waits
 * up to 2 s more: a server that hangs costs whoever awaits the close four seconds. Here `close()` returns
 * at once: it closes stdin (a well-behaved server exits on that), sends SIGTERM to the child's process
 * group 250 ms later if it still runs, and SIGKILL after a further grace; `exited` says when the
 * process is really gone, so the owner can wait for it in the background.
 *
 * The child is started in a session (and process group) of its own, so ending the group also ends what
 * the server started itself (`npx` and the server under it), and a Ctrl-C meant for the terminal's
 * foreground group reaches Toolsmith, which closes its servers in order, instead of killing them under it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface ChildStdioOptions {
  command: string;
  args: string[];
  /** The child's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  cwd?: string;
  /** How long the child gets after stdin closes before SIGTERM (default 250 ms). */
  termGraceMs?: number;
  /** How long the child gets after SIGTERM before SIGKILL (default 1000 ms). */
  killGraceMs?: number;
  /** Start the child as this user and group (the bot must be allowed to: root or CAP_SETUID). */
  uid?: number;
  gid?: number;
}

// Process groups still running, so that a Toolsmith that exits without closing its hub (an uncaught
// error, process.exit) leaves no server behind: 'exit' handlers may only do synchronous work, and one
// kill per group is that. Process-wide by nature, hence module state.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

/** A stdio transport to a child process started in its own process group. */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The child's stderr, readable from construction on (before `start`), so no early line is lost. */
  readonly stderr = new PassThrough();
  /** Resolves once the child has exited (or never started). */
  readonly exited: Promise<void>;
  private readonly options: ChildStdioOptions;
  private readonly buffer = new ReadBuffer();
  private child: ChildProcess | undefined;
  private markExited: () => void = () => {};
  private ending = false;

  constructor(options: ChildStdioOptions) {
    this.options = options;
    this.exited = new Promise((resolve) => {
      this.markExited = resolve;
    });
  }

  /** The child's pid once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ChildStdioTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: this.options.env,
        ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(this.options.uid !== undefined ? { uid: this.options.uid } : {}),
        ...(this.options.gid !== undefined ? { gid: this.options.gid } : {}),
        detached: true,
        shell: false,
      });
      this.child = child;
      child.on('error', (error) => {
        if (child.pid === undefined) this.markExited();
        reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => {
        if (child.pid !== undefined) trackGroup(child.pid);
        resolve();
      });
      child.on('exit', () => {
        this.markExited();
        if (child.pid === undefined) return;
        // The leader is gone; anything it left in its group goes with it.
        killGroup(child.pid, 'SIGKILL');
        liveGroups.delete(child.pid);
      });
      child.on('close', () => {
        this.markExited();
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.buffer.append(chunk);
        } catch (error) {
          // A line over the buffer's limit (10 MB): the stream cannot be resynchronised.
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
          void this.close();
          return;
        }
        this.drain();
      });
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stderr?.pipe(this.stderr);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.ending) return reject(new Error('Not connected'));
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /**
   * Start ending the child and return at once: stdin closed now, SIGTERM to its group after the first
   * grace, SIGKILL after the second. Await `exited` to know it is gone.
   */
  async close(): Promise<void> {
    const child = this.child;
    if (this.ending) return;
    this.ending = true;
    this.buffer.clear();
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      if (!child || child.pid === undefined) this.markExited();
      return;
    }
    const pid = child.pid;
    try {
      child.stdin?.end();
    } catch {
      // a broken pipe: the signals below still end it
    }
    // Unref'd: a process on its way out does not wait for these (its exit hook kills the group).
    let timer = setTimeout(() => {
      killGroup(pid, 'SIGTERM');
      timer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.options.killGraceMs ?? 1000);
      timer.unref();
    }, this.options.termGraceMs ?? 250);
    timer.unref();
    void this.exited.then(() => clearTimeout(timer));
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }
}

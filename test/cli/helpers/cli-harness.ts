/**
 * Drive `toolsmith` as a person would: a child process over pipes, or under a pseudo-terminal
 * (python3's pty module: a real TTY, so the status line, colours, line editing and Ctrl-C are the
 * real ones), against the fake Messages API. The screen is what the process wrote.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { createFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic.ts';

export const MAIN = path.resolve(import.meta.dirname, '../../../src/cli/start.js');
// As bin/toolsmith.js starts it: with Node's start-up snapshot (see src/sandbox/isolate-flag.ts).
const NODE_FLAGS = ['--disable-warning=ExperimentalWarning'];

/** Where and with what environment a toolsmith process starts: PATH, HOME, `screen`, then the test's. */
function spawnOptions(
  screen: Record<string, string>,
  options: { env: Record<string, string>; cwd?: string | undefined },
): { cwd?: string; env: Record<string, string> } {
  return {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...screen,
      ...options.env,
    },
  };
}

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `toolsmith args` over pipes with exactly `env` (plus PATH and HOME); `input` is piped to stdin. */
export function toolsmith(
  args: string[],
  options: {
    env: Record<string, string>;
    cwd?: string;
    /** Piped to stdin, which is then closed; null leaves stdin open for `onChild` to write and end. */
    input?: string | null;
    command?: string[];
    /** Sees the child once started (e.g. to send it a signal). */
    onChild?: (child: ChildProcess) => void;
  },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const command = options.command ?? [process.execPath, ...NODE_FLAGS, MAIN];
    const [file = process.execPath, ...pre] = command;
    const child = spawn(file, [...pre, ...args], spawnOptions({ NO_COLOR: '1' }, options));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onChild?.(child);
    if (options.input !== null) child.stdin.end(options.input ?? '');
  });
}

/** A toolsmith process on a pseudo-terminal: write keys, wait for text on the screen. */
export interface PtySession {
  /** Everything written to the terminal so far (escape sequences included). */
  screen(): string;
  /** The screen with escape sequences removed and carriage returns resolved per line. */
  text(): string;
  write(keys: string): void;
  /** Resolves when `pattern` appears in `text()` after position `from` (default: anywhere). */
  waitFor(pattern: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<void>;
  /** The exit code, once the process ended. */
  exited: Promise<number | null>;
  kill(): void;
}

// A tiny pty bridge: the child gets a real terminal; our stdin goes to it, its output comes back.
const PTY_BRIDGE = `
import os, pty, sys, select, struct, fcntl, termios
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 100, 0, 0))
while True:
    r, _, _ = select.select([fd, 0], [], [])
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) & 255)
`;

export function toolsmithPty(
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): PtySession {
  const child = spawn(
    'python3',
    ['-c', PTY_BRIDGE, process.execPath, ...NODE_FLAGS, MAIN, ...args],
    spawnOptions({ TERM: 'xterm-256color' }, options),
  );
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk) => {
    output += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const text = () => plainText(output);
  return {
    screen: () => output,
    text,
    write: (keys) => child.stdin.write(keys),
    waitFor(pattern, { timeoutMs = 60_000, from = 0 } = {}) {
      const found = () => {
        const t = text().slice(from);
        return typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t);
      };
      if (found()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)}; screen:\n${text()}`));
        }, timeoutMs);
        const check = () => {
          if (!found()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        void exited.then(() => setTimeout(check, 50));
      });
    },
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

/** Terminal output as a person reads it: escape sequences gone, each line as its last redraw left it. */
export function plainText(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is removed
  const noEscapes = raw.replace(/\x1b\[[0-9;?]*[A-Za-z~]/g, '').replace(/\x1b[()][A-Z0-9]/g, '');
  return noEscapes
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.split('\r').at(-1) ?? '')
    .join('\n');
}

/**
 * `it` whose tests each get their own fake Messages API (taking `apiKey`) and temporary folder, so the
 * tests of a file can run together (`describe.concurrent`, with the test's own `expect`).
 */
export function itWithFakeApi(apiKey: string) {
  return it.extend<{ fake: FakeAnthropic; dir: string }>({
    // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
    fake: async ({}, use) => {
      const fake = await createFakeAnthropic({ apiKey });
      await use(fake);
      await fake.close();
    },
    // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
    dir: async ({}, use) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-cli-'));
      await use(dir);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

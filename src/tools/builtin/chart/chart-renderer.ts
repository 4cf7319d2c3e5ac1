/**
 * The host side of chart rendering: one worker process, started at the first chart and kept for the
 * next, renders one chart at a time. A render that runs past its time limit (or whose call is
 * cancelled) kills the worker, which is what bounds a runaway spec; a worker that ran out of its heap
 * or died is replaced at the next chart.
 *
 * A process rather than a worker thread: a thread that reaches its heap limit can abort the whole
 * process (V8's "Reached heap limit" is fatal when one allocation cannot be met). And a process can be
 * fenced in: it gets an empty environment (no secret of the bot), and runs under Node's permission
 * model, reading only Toolsmith's sources and node_modules (not `.env`, not the data folder, not the
 * workspaces: the host reads the data files), writing nothing and starting no process or thread. Only
 * resvg's native addon is allowed, which the permission model cannot fence.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ToolError } from '../../tool-error.ts';
import type { RenderOutput, RenderRequest } from './render-chart.ts';

export interface ChartRendererOptions {
  /** Longest one render may take once the worker is ready, in ms. */
  timeoutMs: number;
  /** The worker's heap limit (--max-old-space-size), in MB (default 512). */
  memoryMb?: number;
  /** Longest the worker may take to start (load Vega, compile the schema), in ms (default 60 000). */
  startTimeoutMs?: number;
}

const Reply = z.union([
  z.object({ ready: z.literal(true) }),
  z.object({
    id: z.number(),
    ok: z.literal(true),
    output: z.object({
      png: z.instanceof(Uint8Array),
      svg: z.string().optional(),
      width: z.number(),
      height: z.number(),
      warnings: z.array(z.string()),
    }),
  }),
  z.object({ id: z.number(), ok: z.literal(false), error: z.string() }),
]);

interface Job {
  request: RenderRequest;
  signal: AbortSignal | undefined;
  resolve: (output: RenderOutput) => void;
  reject: (error: Error) => void;
}

/** Renders charts in a worker process; `close()` ends the worker. */
export class ChartRenderer {
  private readonly options: ChartRendererOptions;
  private readonly queue: Job[] = [];
  private worker: ChildProcess | undefined;
  private ready = false;
  private running: { id: number; job: Job; timer: NodeJS.Timeout; onAbort: () => void } | undefined;
  private nextId = 1;
  private startTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: ChartRendererOptions) {
    this.options = options;
  }

  /** Render one chart; rejects with a ToolError saying what went wrong. */
  render(request: RenderRequest, signal?: AbortSignal): Promise<RenderOutput> {
    if (this.closed) return Promise.reject(new ToolError('the chart server is closed'));
    if (signal?.aborted) return Promise.reject(new ToolError('the chart was cancelled'));
    return new Promise((resolve, reject) => {
      const job: Job = { request, signal, resolve, reject };
      this.queue.push(job);
      // Cancelled while waiting: leave the queue at once (a running job is stopped in pump's listener).
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.queue.indexOf(job);
          if (index < 0) return;
          this.queue.splice(index, 1);
          reject(new ToolError('the chart was cancelled'));
        },
        { once: true },
      );
      this.pump();
    });
  }

  /** End the worker; queued and running charts fail. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new ToolError('the chart server is closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    await this.stop(error);
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    if (job.signal?.aborted) {
      job.reject(new ToolError('the chart was cancelled'));
      this.pump();
      return;
    }
    if (!this.worker) {
      this.queue.unshift(job);
      this.start();
      return;
    }
    if (!this.ready) {
      this.queue.unshift(job);
      return;
    }
    const id = this.nextId++;
    const timer = setTimeout(() => {
      void this.stop(
        new ToolError(
          `the chart took longer than ${this.options.timeoutMs} ms (CHART_TIMEOUT_MS) and was stopped; use fewer data points or a simpler spec`,
        ),
      );
    }, this.options.timeoutMs);
    const onAbort = () => void this.stop(new ToolError('the chart was cancelled'));
    job.signal?.addEventListener('abort', onAbort, { once: true });
    this.running = { id, job, timer, onAbort };
    this.worker.send({ id, request: job.request });
  }

  private start(): void {
    const memoryMb = this.options.memoryMb ?? 512;
    const worker = fork(new URL('./chart-worker.ts', import.meta.url), [], {
      execArgv: [
        `--max-old-space-size=${memoryMb}`,
        '--disable-warning=ExperimentalWarning',
        '--disable-warning=SecurityWarning',
        ...chartWorkerPermissions(),
      ],
      env: {},
      serialization: 'advanced',
      // What Vega prints is dropped (what matters reaches the caller through its logger); the end of
      // stderr is kept to say why a worker died.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // An idle worker does not keep the process alive; a running render's timer does.
    let stderr = '';
    worker.stderr?.setEncoding('utf8');
    worker.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    worker.unref();
    worker.channel?.unref();
    if (worker.stderr instanceof Socket) worker.stderr.unref();
    this.worker = worker;
    this.ready = false;
    this.startTimer = setTimeout(() => {
      void this.stop(new ToolError('the chart renderer did not start in time; try again'));
    }, this.options.startTimeoutMs ?? 60_000);
    worker.on('message', (message: unknown) => this.onMessage(worker, message));
    worker.on('error', (error: Error) => {
      if (this.worker === worker)
        void this.stop(new ToolError(`the chart renderer failed: ${error.message}`));
    });
    worker.on('exit', (code, signal) => {
      if (this.worker !== worker) return;
      // V8 aborts (SIGABRT, or exit code 134) when the heap limit is reached.
      const why =
        signal === 'SIGABRT' || code === 134
          ? `the chart needed more than ${memoryMb} MB of memory; use fewer data points or a simpler spec`
          : `the chart renderer stopped unexpectedly${lastError(stderr)}`;
      void this.stop(new ToolError(why));
    });
  }

  private onMessage(worker: ChildProcess, message: unknown): void {
    if (this.worker !== worker) return;
    const reply = Reply.safeParse(message);
    if (!reply.success) {
      void this.stop(new ToolError('the chart renderer sent a malformed reply'));
      return;
    }
    const data = reply.data;
    if ('ready' in data) {
      this.ready = true;
      clearTimeout(this.startTimer);
      this.pump();
      return;
    }
    const running = this.running;
    if (!running || running.id !== data.id) return;
    this.finish();
    if (data.ok) running.job.resolve(data.output);
    else running.job.reject(new ToolError(data.error));
    this.pump();
  }

  /** Clear the running job's timer and listener; returns it. */
  private finish(): Job | undefined {
    const running = this.running;
    if (!running) return undefined;
    clearTimeout(running.timer);
    running.job.signal?.removeEventListener('abort', running.onAbort);
    this.running = undefined;
    return running.job;
  }

  /** Terminate the worker: the running job (or, while starting, the next queued one) fails with `error`. */
  private async stop(error: ToolError): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    clearTimeout(this.startTimer);
    const job = this.finish() ?? (worker ? this.queue.shift() : undefined);
    job?.reject(error);
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // so that waiting for its exit keeps the process up
      worker.kill('SIGKILL');
      await exited;
    }
    this.pump();
  }
}

/**
 * Node's permission model for the chart worker: read its code and its libraries, nothing else. The
 * libraries are allowed both where the project's node_modules is and where it really is (a symlinked
 * node_modules is looked up through the link, then loaded from its target).
 */
export function chartWorkerPermissions(): string[] {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const installed = path.dirname(
    path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  );
  const modules = new Set([
    path.join(root, 'node_modules'),
    installed,
    realpathOr(path.join(root, 'node_modules')),
  ]);
  return [
    '--permission',
    `--allow-fs-read=${path.join(root, 'src')}${path.sep}`,
    `--allow-fs-read=${path.join(root, 'package.json')}`,
    ...[...modules].map((dir) => `--allow-fs-read=${dir}${path.sep}`),
    '--allow-addons',
  ];
}

function realpathOr(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The last error a dead worker printed (`Error: ...`, `TypeError [CODE]: ...`), as ": <line>", or nothing. */
function lastError(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => /^\w*Error\b/.test(line));
  const line = lines[lines.length - 1]?.trim();
  return line ? `: ${line.slice(0, 300)}` : '';
}

/**
 * `toolsmith sandbox FILE...`: runs files (or `-` for stdin) in order in ONE sandbox session,
 * exactly as the agent's code runs, and prints each result. Exit 0 when every run was ok.
 * The session lives in a worker process (SANDBOX_WORKERS=process, the default), so a file that
 * loses its isolate beyond recovery cannot keep this process from exiting; with
 * SANDBOX_WORKERS=inline such a loss ends the process with SIGKILL once everything is printed.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../../config.ts';
import { UsageError } from '../../errors.ts';
import { renderRunResult } from '../../sandbox/render-result.ts';
import type { Sandbox, SandboxLimits, SandboxOptions } from '../../sandbox/types.ts';
import { color, print, printWarning } from '../print.ts';
import type { CliCommand } from '../types.ts';

const command: CliCommand = {
  summary: 'Run JavaScript/TypeScript files in one sandbox session, as the agent would.',
  usage:
    'toolsmith sandbox FILE... [-] [--json] [--memory-mb N] [--timeout-ms N] [--wall-ms N] [--workspace DIR]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'memory-mb': { type: 'string' },
        'timeout-ms': { type: 'string' },
        'wall-ms': { type: 'string' },
        workspace: { type: 'string' },
      },
    });
    if (positionals.length === 0)
      throw new UsageError('toolsmith sandbox needs at least one FILE (or - for stdin)');
    const config = loadConfig();
    const limits: SandboxLimits = {
      ...config.sandbox,
      ...optionalNumber('memory-mb', values['memory-mb'], 'memoryMb'),
      ...optionalNumber('timeout-ms', values['timeout-ms'], 'timeoutMs'),
      ...optionalNumber('wall-ms', values['wall-ms'], 'wallMs'),
    };
    const sources = await Promise.all(positionals.map(readSource));
    // Loaded only now, so a usage or configuration error is told without loading tools or sandboxes.
    const [{ openSandboxTools }, { sharedLibraryProvider }, site] = await Promise.all([
      import('../../tools/open-tool-hub.ts'),
      import('../../sandbox/libraries/create-library-provider.ts'),
      sandboxSite(config),
    ]);
    // The configured and built-in tools, with the workspace in --workspace DIR or a temporary folder.
    const extras = await openSandboxTools(
      config,
      values.workspace === undefined ? {} : { workspaceDir: values.workspace },
    );
    const sandbox = site.createSandbox({
      limits,
      providers: [extras.provider, sharedLibraryProvider()],
    });
    let allOk = true;
    try {
      for (const [index, source] of sources.entries()) {
        const result = await sandbox.run(source.code);
        allOk &&= result.ok;
        if (values.json) {
          print(JSON.stringify(result));
          continue;
        }
        if (sources.length > 1) print(color.dim(`── ${positionals[index]} ──`));
        const text = renderRunResult(result, source.code);
        print(result.ok ? text : color.red(text));
        print(
          color.dim(
            `(${result.ok ? 'ok' : 'failed'} in ${result.durationMs} ms${result.truncated ? ', output truncated' : ''})`,
          ),
        );
      }
    } finally {
      sandbox.dispose();
      await site.close();
      await extras.close();
    }
    if (site.lostHere() > 0) endWithSignal();
    return allOk ? 0 : 1;
  },
};

export default command;

/** Where the session's sandbox lives: a worker process (the default), or this process. */
interface SandboxSite {
  createSandbox(options: SandboxOptions): Sandbox;
  close(): Promise<void>;
  /** Isolates this process lost beyond recovery (only an inline sandbox can lose one here). */
  lostHere(): number;
}

async function sandboxSite(config: Config): Promise<SandboxSite> {
  if (config.sandboxProcesses.mode === 'process') {
    const { createSandboxPool, workerEnvFrom } = await import('../../sandbox/process/sandbox-pool.ts');
    const pool = createSandboxPool({ spare: 0, env: workerEnvFrom(config.env) });
    return { createSandbox: pool.createSandbox, close: () => pool.close(), lostHere: () => 0 };
  }
  const [{ createSandbox }, { lostIsolates }] = await Promise.all([
    import('../../sandbox/create-sandbox.ts'),
    import('../../sandbox/isolate-session.ts'),
  ]);
  return { createSandbox, close: async () => {}, lostHere: () => lostIsolates().count };
}

async function readSource(file: string): Promise<{ code: string }> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { code: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { code: await readFile(file, 'utf8') };
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function optionalNumber(
  flag: string,
  raw: string | undefined,
  key: keyof SandboxLimits,
): Partial<SandboxLimits> {
  if (raw === undefined) return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`--${flag} must be a positive whole number (got "${raw}")`);
  return { [key]: value };
}

/**
 * An isolate lost beyond recovery in this process (SANDBOX_WORKERS=inline) keeps a thread that
 * isolated-vm waits for at exit, for ever: everything is printed, so end with a signal instead.
 */
function endWithSignal(): never {
  printWarning(
    'an isolate was lost beyond recovery (out of memory); ending with SIGKILL, as this process could not exit',
  );
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not end the process');
}

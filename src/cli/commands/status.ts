/**
 * `toolsmith status [--json]`: what Toolsmith holds. From the store (read without taking DATA_DIR, so
 * it works beside a running bot): sessions by state and front end, audit rows, the database size and
 * the disk used by workspaces; the process that holds DATA_DIR (the bot) and its memory; and the task
 * service's limits. A chat shows its own service's live sessions with `/status`.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SessionSnapshotSchema } from '../../agent/session-snapshot.ts';
import { loadConfig } from '../../config.ts';
import { describeSandboxProcesses } from '../../service/describe-sandbox-processes.ts';
import { createAuditRepo } from '../../store/audit-repo.ts';
import { readHolder } from '../../store/data-dir-lock.ts';
import { openStore } from '../../store/open-store.ts';
import { createSessionsRepo } from '../../store/sessions-repo.ts';
import { formatBytes, formatCount } from '../../text/format-numbers.ts';
import { bytesUnder } from '../../tools/builtin/workspace-quota.ts';
import { color, print } from '../print.ts';
import { readStatusFile, type StatusFile } from '../service-status-file.ts';
import type { CliCommand } from '../types.ts';

const CountRow = z.object({ status: z.string(), front_end: z.string(), n: z.number() });
const DirRow = z.object({ workspace_dir: z.string() });
const Count = z.object({ n: z.number() });

const command: CliCommand = {
  summary: 'What Toolsmith holds: sessions, the bot process and its memory, the store and disk.',
  usage: 'toolsmith status [--json]',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
    const config = loadConfig();
    const store = openStore({ dataDir: config.dataDir });
    let report: StatusReport;
    try {
      createSessionsRepo(store, { snapshotSchema: SessionSnapshotSchema });
      createAuditRepo(store);
      const counts = store.db
        .prepare('SELECT status, front_end, COUNT(*) AS n FROM sessions GROUP BY status, front_end')
        .all()
        .map((row) => CountRow.parse(row));
      const dirs = store.db
        .prepare("SELECT DISTINCT workspace_dir FROM sessions WHERE status != 'closed'")
        .all()
        .map((row) => DirRow.parse(row).workspace_dir);
      const auditRows = Count.parse(store.db.prepare('SELECT COUNT(*) AS n FROM audit').get()).n;
      let workspaceBytes = 0;
      for (const dir of dirs) workspaceBytes += await bytesUnder(dir).catch(() => 0);
      const dbBytes = await stat(store.path).then(
        (info) => info.size,
        () => 0,
      );
      const sessions: StatusReport['sessions'] = {};
      for (const row of counts) {
        sessions[row.front_end] = { ...sessions[row.front_end], [row.status]: row.n };
      }
      report = {
        dataDir: config.dataDir,
        holder: holderOf(config.dataDir),
        sessions,
        auditRows,
        databaseBytes: dbBytes,
        workspaces: dirs.length,
        workspaceBytes,
        limits: {
          maxConcurrent: config.tasks.maxConcurrent,
          maxConcurrentPerServer: config.tasks.maxConcurrentPerServer,
          maxLiveSessions: config.tasks.maxLiveSessions,
          sessionIdleMinutes: config.tasks.sessionIdleMs / 60_000,
        },
      };
    } finally {
      store.close();
    }
    if (values.json) print(JSON.stringify(report));
    else for (const line of statusLines(report)) print(line);
    return 0;
  },
};

interface StatusReport {
  dataDir: string;
  holder:
    | {
        pid: number;
        command: string;
        since: string;
        alive: boolean;
        rssBytes?: number;
        /** What its task service held at `at` (written every few seconds). */
        service?: StatusFile['status'] & { at: string };
      }
    | undefined;
  /** Per front end, per state: how many sessions. */
  sessions: Record<string, Record<string, number>>;
  auditRows: number;
  databaseBytes: number;
  workspaces: number;
  workspaceBytes: number;
  limits: {
    maxConcurrent: number;
    maxConcurrentPerServer: number;
    maxLiveSessions: number;
    sessionIdleMinutes: number;
  };
}

/** The process holding DATA_DIR, whether it still runs, and its resident memory (Linux). */
function holderOf(dataDir: string): StatusReport['holder'] {
  const holder = readHolder(dataDir);
  if (!holder) return undefined;
  const here = !holder.host || holder.host === hostname();
  let alive = false;
  try {
    process.kill(holder.pid, 0);
    alive = here;
  } catch {
    alive = false;
  }
  let rssBytes: number | undefined;
  if (alive) {
    try {
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${holder.pid}/status`, 'utf8'))?.[1];
      if (kb) rssBytes = Number(kb) * 1024;
    } catch {
      // not Linux, or not ours to read
    }
  }
  const written = alive ? readStatusFile(dataDir, holder.pid) : undefined;
  return {
    pid: holder.pid,
    command: holder.command,
    since: holder.since,
    alive,
    ...(rssBytes ? { rssBytes } : {}),
    ...(written ? { service: { ...written.status, at: written.at } } : {}),
  };
}

function statusLines(report: StatusReport): string[] {
  const lines = [color.bold(`DATA_DIR ${report.dataDir}`)];
  const { holder } = report;
  if (holder?.alive)
    lines.push(
      `in use by process ${holder.pid} (${holder.command}) since ${holder.since}${holder.rssBytes ? `, ${formatBytes(holder.rssBytes)} resident` : ''}`,
    );
  else lines.push(color.dim('no Toolsmith process holds it now'));
  const service = holder?.alive ? holder.service : undefined;
  if (service)
    lines.push(
      `its task service: ${service.liveSessions}/${service.maxLiveSessions} live sessions, sandbox heap ${formatBytes(service.sandboxHeapBytes)}, ` +
        `${service.running} running, ${service.queued} queued (as of ${service.at})`,
    );
  if (service && service.sandboxProcesses.length > 0)
    lines.push(`its ${describeSandboxProcesses(service.sandboxProcesses)}`);
  const fronts = Object.entries(report.sessions);
  if (fronts.length === 0) lines.push('sessions: none saved');
  for (const [frontEnd, byStatus] of fronts) {
    const parts = Object.entries(byStatus).map(([status, n]) => `${n} ${status}`);
    lines.push(`sessions (${frontEnd}): ${parts.join(', ')}`);
  }
  lines.push(
    `workspaces: ${report.workspaces}, ${formatBytes(report.workspaceBytes)} on disk`,
    `store: ${formatBytes(report.databaseBytes)}, ${formatCount(report.auditRows)} audit rows`,
  );
  const l = report.limits;
  lines.push(
    color.dim(
      `limits: ${l.maxConcurrent} tasks at once (${l.maxConcurrentPerServer} per server), ${l.maxLiveSessions} live sessions, idle ones released after ${l.sessionIdleMinutes} min`,
    ),
  );
  return lines;
}

export default command;

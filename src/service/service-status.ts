/**
 * What the service tells about its sessions and itself: a session's info from its row, its files and
 * totals (live or saved), and the status `/status` and `toolsmith status` show.
 */
import type { SessionSnapshot } from '../agent/session-snapshot.ts';
import { listWorkspaceFiles } from '../agent/workspace-files.ts';
import type { SessionRow } from '../store/sessions-repo.ts';
import type { ServiceParts } from './service-parts.ts';
import type { ServiceStatus, SessionInfo, TaskService } from './types.ts';

/** A session's info from its row in the store. */
export const infoOf = (row: SessionRow<SessionSnapshot>): SessionInfo => ({
  id: row.id,
  scope: row.scope,
  owner: row.owner,
  title: row.title,
  workspaceDir: row.workspaceDir,
  frontEnd: row.frontEnd === 'terminal' ? 'terminal' : 'discord',
});

/** Running and queued messages, live sessions and the memory they hold. */
export function statusOf(parts: ServiceParts): ServiceStatus {
  const { tasks } = parts.options.config;
  return {
    running: parts.scheduler.running,
    queued: parts.scheduler.waiting,
    maxConcurrent: tasks.maxConcurrent,
    maxConcurrentPerServer: tasks.maxConcurrentPerServer,
    liveSessions: parts.registry.all().length,
    maxLiveSessions: tasks.maxLiveSessions,
    sandboxHeapBytes: parts.registry.heapBytes(),
    rssBytes: process.memoryUsage.rss(),
    servers: parts.scheduler.servers(),
    sandboxProcesses: parts.options.sandboxProcesses?.() ?? [],
  };
}

/** The files in a session's workspace, live or saved. */
export async function filesOf(parts: ServiceParts, sessionId: string): ReturnType<TaskService['files']> {
  const dir =
    parts.registry.get(sessionId)?.info.workspaceDir ?? parts.options.sessions.get(sessionId)?.workspaceDir;
  return dir ? (await listWorkspaceFiles(dir)).map((file) => ({ path: file.path, bytes: file.bytes })) : [];
}

/** A session's usage and cost so far, live or saved. */
export function totalsOf(parts: ServiceParts, sessionId: string): ReturnType<TaskService['totals']> {
  const totals =
    parts.registry.get(sessionId)?.session.totals ?? parts.options.sessions.get(sessionId)?.snapshot;
  if (!totals) return undefined;
  return { usage: totals.usage, costUsd: totals.costUsd };
}

/** The owner of a session, live or saved. */
export const ownerOf = (parts: ServiceParts, sessionId: string): string | undefined =>
  parts.registry.get(sessionId)?.info.owner ?? parts.options.sessions.get(sessionId)?.owner;

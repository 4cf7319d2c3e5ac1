/**
 * MCP_SERVER_USER: the account stdio MCP servers run as. A server running as the bot's own user can
 * read what the bot can (its `.env`, its database) and, where ptrace is allowed, the bot's memory
 * through `/proc/<pid>/mem`; one running as another, unprivileged user cannot. Starting a process as
 * another user needs the bot to run as root (or with CAP_SETUID and CAP_SETGID).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';

/** The account a stdio server is started as. */
export interface ServerUser {
  uid: number;
  gid: number;
  /** For the server's USER / LOGNAME. */
  name: string;
  /** For the server's HOME. */
  home: string;
}

/**
 * Resolve `spec` (a user name from /etc/passwd, or `uid` or `uid:gid`) to an account; a ConfigError
 * names MCP_SERVER_USER when there is no such user or this process cannot switch to it.
 */
export function resolveServerUser(spec: string, passwdFile = '/etc/passwd'): ServerUser {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec.trim());
  let entries: string[][] = [];
  try {
    entries = readFileSync(passwdFile, 'utf8')
      .split('\n')
      .map((line) => line.split(':'));
  } catch {
    // no passwd file (a minimal container): only numeric ids work
  }
  const entry = entries.find((fields) => (numeric ? fields[2] === numeric[1] : fields[0] === spec.trim()));
  if (!numeric && !entry) {
    throw new ConfigError('MCP_SERVER_USER', `no user "${spec}" in ${passwdFile}`, {
      fix: 'Set MCP_SERVER_USER to an existing unprivileged user (e.g. nobody) or to uid:gid',
    });
  }
  const uid = Number(numeric?.[1] ?? entry?.[2]);
  const gid = Number(numeric?.[2] ?? entry?.[3] ?? uid);
  if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) {
    throw new ConfigError(
      'MCP_SERVER_USER',
      `the entry for "${spec}" in ${passwdFile} has no usable uid/gid`,
    );
  }
  if (uid === 0) {
    throw new ConfigError('MCP_SERVER_USER', 'is root, which can read everything the bot can', {
      fix: 'Set MCP_SERVER_USER to an unprivileged user (e.g. nobody)',
    });
  }
  const ownUid = process.getuid?.();
  if (ownUid !== undefined && ownUid !== 0 && ownUid !== uid) {
    throw new ConfigError(
      'MCP_SERVER_USER',
      `Toolsmith runs as uid ${ownUid} and cannot start processes as uid ${uid}`,
      {
        fix: 'Run the bot as root (e.g. in its container) to use MCP_SERVER_USER, or leave it empty',
      },
    );
  }
  return { uid, gid, name: entry?.[0] ?? String(uid), home: entry?.[5] || '/' };
}

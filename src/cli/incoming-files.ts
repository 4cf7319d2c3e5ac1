/**
 * Local files brought into a session's workspace (`toolsmith run --file`, chat's `/add`), with the
 * limits of Discord attachments (MAX_ATTACHMENT_BYTES per file) and the workspace quota
 * (WORKSPACE_MAX_BYTES), checked before a byte is copied (src/tools/builtin/incoming-file.ts).
 */
import type { Config } from '../config.ts';
import type { IncomingFile } from '../service/types.ts';
import { copyIncomingFile, type IncomingLimits, safeFileName } from '../tools/builtin/incoming-file.ts';

/** The limits a local file is held to: the same as an attachment's. */
export function localFileLimits(config: Pick<Config, 'tools' | 'discord'>): IncomingLimits {
  return {
    maxWorkspaceBytes: config.tools.workspaceMaxBytes,
    maxFileBytes: config.discord.maxAttachmentBytes,
    maxFileKey: 'MAX_ATTACHMENT_BYTES',
  };
}

/** Files for a message (`TaskService.send`): copied into the workspace in the message's turn. */
export function incomingFiles(
  paths: readonly string[],
  config: Pick<Config, 'tools' | 'discord'>,
): IncomingFile[] {
  const limits = localFileLimits(config);
  return paths.map((source) => ({
    name: safeFileName(source),
    save: async (workspaceDir) => {
      const outcome = await copyIncomingFile(source, workspaceDir, limits);
      return outcome.ok
        ? { ok: true, name: outcome.name, bytes: outcome.bytes }
        : { ok: false, name: outcome.name, reason: outcome.reason };
    },
  }));
}

/**
 * Who may use the bot: allowlists of guilds, channels, roles and users from the config, and an
 * admin role. With no allowlist set, every member of a server the bot is in may use it.
 */
import type { Config } from '../config.ts';
import type { Actor } from './types.ts';

export interface Permissions {
  /** Undefined when allowed, else a short reason for the refusal. */
  refusal(actor: Actor): string | undefined;
  isAdmin(actor: Actor): boolean;
}

export function createPermissions(config: Config['discord']): Permissions {
  const has = (list: readonly string[], value: string | null) =>
    list.length === 0 || (value !== null && list.includes(value));
  const isAdmin = (actor: Actor) =>
    actor.operator === true ||
    actor.isGuildAdmin ||
    (config.adminRole !== undefined && actor.roleIds.includes(config.adminRole));
  return {
    refusal(actor) {
      if (actor.operator) return undefined;
      if (actor.guildId === null) return 'Toolsmith works in servers, not in direct messages.';
      if (!has(config.allowedGuilds, actor.guildId)) return 'Toolsmith is not enabled in this server.';
      if (!has(config.allowedChannels, actor.channelId)) return 'Toolsmith is not enabled in this channel.';
      const userListed = config.allowedUsers.includes(actor.userId);
      const roleListed = config.allowedRoles.some((role) => actor.roleIds.includes(role));
      const restricted = config.allowedUsers.length > 0 || config.allowedRoles.length > 0;
      if (restricted && !userListed && !roleListed && !isAdmin(actor)) {
        return 'You are not on the list of people who may use Toolsmith here; ask an admin.';
      }
      return undefined;
    },
    isAdmin,
  };
}

/** The person at the terminal: the operator, whom no team allowlist or rate limit applies to. */
export function operatorActor(userId: string): Actor {
  return { userId, guildId: 'local', channelId: null, roleIds: [], isGuildAdmin: false, operator: true };
}

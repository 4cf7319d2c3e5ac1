/** The warning `toolsmith bot` gives at start when no allowlist restricts who may use it. */
import type { Config } from '../config.ts';

/** A sentence when every member of every server may use the bot, else undefined. */
export function openAccessWarning(discord: Config['discord']): string | undefined {
  const lists = [discord.allowedGuilds, discord.allowedChannels, discord.allowedRoles, discord.allowedUsers];
  if (lists.some((list) => list.length > 0)) return undefined;
  return (
    'no allowlist is set, so every member of every server the bot is in may use it (and spend on ANTHROPIC_API_KEY). ' +
    'Restrict it with ALLOWED_GUILDS, ALLOWED_CHANNELS, ALLOWED_ROLES or ALLOWED_USERS'
  );
}

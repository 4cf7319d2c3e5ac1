/**
 * What to check when an outside fault stops a command: a host that cannot be reached names the
 * setting that points at it, and a rejected Discord token names DISCORD_TOKEN.
 */

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The setting that points at `host`, by what the host looks like. */
function settingFor(host: string): string | undefined {
  if (/discord/i.test(host)) return 'DISCORD_API_URL';
  if (/anthropic/i.test(host)) return 'ANTHROPIC_BASE_URL';
  return undefined;
}

/** One line saying what to check, or undefined when there is nothing to add. */
export function hintFor(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code =
      'code' in e && typeof e.code === 'string' ? e.code : /\b(E[A-Z_]{4,})\b/.exec(e.message)?.[1];
    if (code && NETWORK_CODES.has(code)) {
      const host =
        ('hostname' in e && typeof e.hostname === 'string' ? e.hostname : undefined) ??
        /(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT)\s+([\w.-]+)/.exec(e.message)?.[1] ??
        'the server';
      const setting = settingFor(host);
      return `cannot reach ${host} (${code}): check the network connection${setting ? `, and ${setting} if you set one (a proxy or gateway)` : ''}; toolsmith doctor checks every endpoint`;
    }
    if (/Authentication failed|An invalid token was provided|401: Unauthorized/i.test(e.message))
      return 'Discord rejected the bot token: check DISCORD_TOKEN (Developer Portal > your application > Bot > Reset Token)';
  }
  return undefined;
}

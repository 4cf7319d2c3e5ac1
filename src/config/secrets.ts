/** Which configured values are secrets, for the redactor (src/text/redact-secrets.ts). */
import { createRedactor, MIN_SECRET_LENGTH } from '../text/redact-secrets.ts';

/** The parts of a config that hold secrets. */
export interface SecretHolder {
  env: Readonly<Record<string, string | undefined>>;
  anthropic: { apiKey: string | undefined };
  skills: { apiKey: string | undefined };
  discord: { token: string | undefined };
}

/** Environment variables whose values are treated as secrets, whatever reads them (e.g. mcp.json). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/i;

/**
 * The secret values in a config, for `createRedactor` (src/text/redact-secrets.ts): the API keys and
 * the Discord token, and every environment variable named like a secret (`GITHUB_TOKEN`, `..._API_KEY`,
 * ...) since mcp.json hands those to tool servers.
 */
export function secretsOf(config: SecretHolder): string[] {
  const fromEnv = Object.entries(config.env)
    .filter(([key]) => SECRET_NAME.test(key))
    .map(([, value]) => value);
  const all = [config.anthropic.apiKey, config.skills.apiKey, config.discord.token, ...fromEnv];
  return [...new Set(all)].filter(
    (value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
  );
}

/**
 * Replace every secret in `text` (and its base64 and URL-encoded forms) with a marker, for one-off
 * log lines and error messages; build one `createRedactor(secrets)` for anything repeated.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return createRedactor(secrets).redact(text);
}

/**
 * The checks of `toolsmith doctor`, each a list of findings that say what is wrong and what to set:
 * every configuration key at once, the endpoints the configuration points at, the MCP servers, the
 * store and the skill index.
 */
import { hostname } from 'node:os';
import { type Config, loadConfigLeniently } from '../../config.ts';
import { describeError } from '../../errors.ts';
import { createEmbedder } from '../../skills/embeddings/create-embedder.ts';
import { openSkillIndex } from '../../skills/index/open-skill-index.ts';
import { skillIndexDir } from '../../skills/open-from-config.ts';
import { readHolder } from '../../store/data-dir-lock.ts';
import { openStore } from '../../store/open-store.ts';
import { openToolHub } from '../../tools/open-tool-hub.ts';

export interface Finding {
  level: 'ok' | 'warn' | 'fail';
  text: string;
}

const ok = (text: string): Finding => ({ level: 'ok', text });
const warn = (text: string): Finding => ({ level: 'warn', text });
const fail = (text: string): Finding => ({ level: 'fail', text });

/** Every malformed key, then the keys commands need; and the config with the bad keys left at defaults. */
export function checkConfig(env?: NodeJS.ProcessEnv): { findings: Finding[]; config: Config } {
  const { config, issues } = loadConfigLeniently(env);
  const findings = issues.map((issue) =>
    fail(`${issue.key}: ${issue.message}. Set ${issue.key} in .env or the environment (see .env.example)`),
  );
  if (issues.length === 0) findings.push(ok('configuration: every key parses'));
  findings.push(ok(`DATA_DIR ${config.dataDir}`));
  if (!config.anthropic.apiKey)
    findings.push(
      fail('ANTHROPIC_API_KEY: not set; chat, run and the bot need it. Set it in .env or the environment'),
    );
  const discord = [
    ['DISCORD_TOKEN', config.discord.token],
    ['DISCORD_CLIENT_ID', config.discord.clientId],
  ].filter(([, value]) => !value);
  if (discord.length > 0)
    findings.push(
      warn(
        `${discord.map(([key]) => key).join(', ')}: not set; only the Discord bot needs ${discord.length > 1 ? 'them' : 'it'}`,
      ),
    );
  return { findings, config };
}

/** GET `url` with a short timeout: the HTTP status, or why it could not be reached. */
async function probe(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number } | { error: string }> {
  try {
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code =
      cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    if (error instanceof Error && error.name === 'TimeoutError')
      return { error: `no answer within ${timeoutMs / 1000} s` };
    return {
      error: code
        ? `${code}${describeError(cause).includes(code) ? '' : `: ${describeError(cause)}`}`
        : describeError(cause),
    };
  }
}

/** The Anthropic endpoint (and whether it takes the key), and the Discord API when the bot is set up. */
export async function checkNetwork(config: Config, timeoutMs = 3000): Promise<Finding[]> {
  const findings: Finding[] = [];
  const base = (config.anthropic.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '');
  const anthropic = await probe(
    `${base}/v1/models`,
    config.anthropic.apiKey
      ? { 'x-api-key': config.anthropic.apiKey, 'anthropic-version': '2023-06-01' }
      : {},
    timeoutMs,
  );
  if ('error' in anthropic)
    findings.push(
      fail(
        `cannot reach the model API at ${base} (${anthropic.error}): check the network, and ANTHROPIC_BASE_URL`,
      ),
    );
  else if (anthropic.status === 401 && config.anthropic.apiKey)
    findings.push(fail(`the model API at ${base} rejected ANTHROPIC_API_KEY (401): check the key`));
  else findings.push(ok(`model API ${base} reachable (HTTP ${anthropic.status})`));

  if (config.discord.token || config.discord.apiUrl) {
    const api = (config.discord.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '');
    const discord = await probe(
      `${api}/v10/users/@me`,
      config.discord.token ? { Authorization: `Bot ${config.discord.token}` } : {},
      timeoutMs,
    );
    if ('error' in discord)
      findings.push(
        fail(
          `cannot reach the Discord API at ${api} (${discord.error}): check the network, and DISCORD_API_URL`,
        ),
      );
    else if (discord.status === 401 && config.discord.token)
      findings.push(
        fail(
          `Discord rejected DISCORD_TOKEN (401): reset the bot token in the Developer Portal and set DISCORD_TOKEN`,
        ),
      );
    else findings.push(ok(`Discord API ${api} reachable (HTTP ${discord.status})`));
  }
  return findings;
}

/** The MCP servers of mcp.json (and the built-in ones), started and closed again. */
export async function checkTools(config: Config): Promise<Finding[]> {
  let hub: Awaited<ReturnType<typeof openToolHub>>;
  try {
    hub = await openToolHub(config);
  } catch (error) {
    return [fail(describeError(error))];
  }
  try {
    return hub
      .servers()
      .map((server) =>
        server.status === 'failed'
          ? fail(
              `MCP server ${server.name}: ${server.error ?? 'failed'}${server.detail ? ` (${server.detail})` : ''}`,
            )
          : ok(
              `MCP server ${server.name}: ${server.tools.length} tool${server.tools.length === 1 ? '' : 's'}`,
            ),
      );
  } finally {
    await hub.close();
  }
}

/** The store opens, who holds DATA_DIR, and the skill index matches the configured embedder. */
export async function checkStorage(config: Config): Promise<Finding[]> {
  const findings: Finding[] = [];
  const holder = readHolder(config.dataDir);
  const alive = holder !== undefined && isAlive(holder.pid) && (!holder.host || holder.host === hostname());
  if (alive)
    findings.push(
      ok(`DATA_DIR is in use by process ${holder.pid} (${holder.command}) since ${holder.since}`),
    );
  try {
    const store = openStore({ dataDir: config.dataDir });
    findings.push(ok(`store ${store.path} opens`));
    store.close();
  } catch (error) {
    findings.push(fail(describeError(error)));
    return findings;
  }
  if (alive) {
    findings.push(ok('skill index: checked by the running process at its start'));
    return findings;
  }
  try {
    const embedder = createEmbedder(config.skills);
    const index = await openSkillIndex({ folder: skillIndexDir(config), embedder: embedder.info });
    const { provider, model } = embedder.info;
    findings.push(
      index.status === 'loaded'
        ? ok(`skill index ${skillIndexDir(config)} (${provider}/${model})`)
        : warn(
            `skill index ${skillIndexDir(config)} is ${index.status}: it is rebuilt from the store at the next start`,
          ),
    );
  } catch (error) {
    findings.push(fail(describeError(error)));
  }
  return findings;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

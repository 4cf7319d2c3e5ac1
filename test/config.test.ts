import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultModels,
  EnvSchema,
  isolatesInProcess,
  loadConfig,
  requireValue,
  secretsOf,
} from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

const root = path.resolve(import.meta.dirname, '..');

describe('configuration', () => {
  it('documents every key it reads in .env.example, and reads every key documented there', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual(Object.keys(EnvSchema.shape).sort());
    for (const key of Object.keys(EnvSchema.shape)) {
      const line = example.split('\n').findIndex((l) => l.startsWith(`${key}=`));
      expect(example.split('\n')[line - 1], `a comment above ${key}`).toMatch(/^#/);
    }
  });

  it('parses .env.example as it is, with the documented defaults', () => {
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    const config = loadConfig(env, '/srv/toolsmith');
    expect(config.dataDir).toBe('/srv/toolsmith/data');
    expect(config.anthropic.model).toBe(defaultModels.code);
    expect(config.sandbox).toEqual({
      memoryMb: 128,
      timeoutMs: 10_000,
      wallMs: 60_000,
      maxOutputChars: 20_000,
      maxPendingCalls: 256,
    });
    expect(config.sandboxProcesses).toEqual({ mode: 'process', perProcess: 8, maxRssMb: 1024, spare: 1 });
    expect(loadConfig({ SANDBOX_SPARE_PROCESSES: '0' }).sandboxProcesses.spare).toBe(0);
    expect(config.agent.maxSteps).toBe(12);
    expect(config.tools.web.allowedHosts).toEqual([]);
    expect(config.discord.allowedUsers).toEqual([]);
  });

  it('reads values with spaces around them, blank ones as unset, and booleans in any case', () => {
    const config = loadConfig({
      SANDBOX_MEMORY_MB: ' 64 ',
      AGENT_MAX_COST_USD: '2.5',
      SANDBOX_TIMEOUT_MS: '   ',
      WEB_ALLOW_PRIVATE: 'Yes',
      SANDBOX_WORKERS: ' inline ',
      ALLOWED_USERS: ' 1, ,2 ,',
      ANTHROPIC_MODEL: '  ',
    });
    expect(config.sandbox.memoryMb).toBe(64);
    expect(config.agent.maxCostUsd).toBe(2.5);
    expect(config.sandbox.timeoutMs).toBe(10_000);
    expect(config.tools.web.allowPrivate).toBe(true);
    expect(config.sandboxProcesses.mode).toBe('inline');
    expect(config.discord.allowedUsers).toEqual(['1', '2']);
    expect(loadConfig({ WEB_ALLOW_PRIVATE: 'OFF' }).tools.web.allowPrivate).toBe(false);
    expect(loadConfig({ ANTHROPIC_MODEL: '  ' }).anthropic.model).toBe(loadConfig({}).anthropic.model);
  });

  it('defaults everything when the environment is empty', () => {
    const config = loadConfig({}, '/x');
    expect(config.anthropic.apiKey).toBeUndefined();
    expect(config.skills.provider).toBe('local');
    expect(config.tools.mcpConfigPath).toBe('/x/mcp.json');
  });

  // What each malformed value is told: `KEY: <expected> (got "<value>")`, then where to set it.
  it.each([
    ['SANDBOX_MEMORY_MB', 'lots', 'expected a whole number >= 8'],
    ['SANDBOX_MEMORY_MB', '4', 'expected a whole number >= 8'],
    ['SANDBOX_MEMORY_MB', '64.5', 'expected a whole number >= 8'],
    ['SANDBOX_MEMORY_MB', '99999999999999999999', 'expected a whole number >= 8'],
    ['SANDBOX_WORKERS', 'Inline', 'expected process or inline'],
    ['SANDBOX_SPARE_PROCESSES', '-1', 'expected a whole number >= 0'],
    ['AGENT_MAX_COST_USD', '-1', 'expected a number >= 0'],
    ['WEB_ALLOW_PRIVATE', 'maybe', 'expected true or false'],
    ['ANTHROPIC_BASE_URL', 'not a url', 'expected a URL such as https://example.com'],
    ['EMBEDDINGS_PROVIDER', 'cohere', 'Invalid option: expected one of "local"|"voyage"|"openai"'],
  ])('names a malformed %s in one line and says where to set it', (key, value, expected) => {
    let error: unknown;
    try {
      loadConfig({ [key]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toContain(`${key}: ${expected} (got "${value}")`);
    expect(text).toContain(`Set ${key} in .env or the environment`);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('requires a value only where it is needed, naming the key', () => {
    expect(() => requireValue(undefined, 'DISCORD_TOKEN', 'the Discord bot')).toThrow(
      'DISCORD_TOKEN: not set; the Discord bot needs it. Set DISCORD_TOKEN in .env or the environment',
    );
    expect(requireValue('x', 'DISCORD_TOKEN', 'the bot')).toBe('x');
  });

  it('lists the secrets so they can be kept out of logs', () => {
    const config = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-123456789', DISCORD_TOKEN: 'discord-token-123' });
    expect(secretsOf(config).sort()).toEqual(['discord-token-123', 'sk-ant-123456789']);
  });
});

describe('redact', () => {
  it('removes every occurrence of every secret', async () => {
    const { redact } = await import('../src/config.ts');
    expect(
      redact('key sk-ant-123456789 and again sk-ant-123456789, token abcdefgh', [
        'sk-ant-123456789',
        'abcdefgh',
      ]),
    ).toBe('key [redacted] and again [redacted], token [redacted]');
  });
});

describe('the environment is read in one place', () => {
  it('says a process will hold isolates by the same rule loadConfig reads SANDBOX_WORKERS with', () => {
    const cases = ['inline', 'process', '', ' ', 'INLINE', undefined];
    expect(
      cases.map((value) => isolatesInProcess(value === undefined ? {} : { SANDBOX_WORKERS: value })),
    ).toEqual([true, false, false, false, false, false]);
    expect(loadConfig({ SANDBOX_WORKERS: 'inline' }).sandboxProcesses.mode).toBe('inline');
  });

  it('keeps the environment it was read from, and the local user', () => {
    const config = loadConfig({ USER: 'ana', GITHUB_TOKEN: 'x' });
    expect(config.localUser).toBe('ana');
    expect(config.env.GITHUB_TOKEN).toBe('x');
    expect(loadConfig({}).localUser).toBe('local');
  });

  it('has no process.env outside src/config.ts', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const src = path.join(root, 'src');
    const files = (await readdir(src, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const readers: string[] = [];
    for (const file of files) {
      if (file === 'config.ts') continue;
      if ((await readFile(path.join(src, file), 'utf8')).includes('process.env')) readers.push(file);
    }
    expect(readers).toEqual([]);
  });
});

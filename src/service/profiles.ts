/**
 * Channel profiles: one operator file (PROFILES, YAML or JSON) that gives servers, categories and
 * channels their own instructions, model, tools, budgets, quotas and approvers. The most specific
 * match wins: channel, then category, then server, then `default`. A bad file stops start-up with
 * one line naming the field.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, describeError } from '../errors.ts';
import type { Actor } from './types.ts';

const money = z.number().min(0);

export const ProfileSchema = z.strictObject({
  /** Shown by /profile. */
  description: z.string().max(300).optional(),
  /** Extra instructions added to the system prompt in this channel. */
  prompt: z.string().max(8000).optional(),
  /** The model used unless a thread or channel picks another with /model (must be in ALLOWED_MODELS). */
  model: z.string().min(1).optional(),
  /** Tool servers enabled (names from mcp.json and the built-ins: workspace, web, chart); default all. */
  tools: z.array(z.string().min(1)).optional(),
  /** False: tasks here teach the library nothing. */
  learnSkills: z.boolean().optional(),
  /** Per-message budgets, over AGENT_MAX_STEPS and AGENT_MAX_COST_USD. */
  maxSteps: z.number().int().min(1).max(100).optional(),
  maxCostUsd: money.optional(),
  /** Cost quotas in USD, over the QUOTA_* keys (0 = none). */
  quotas: z
    .strictObject({
      memberDailyUsd: money,
      memberMonthlyUsd: money,
      serverDailyUsd: money,
      serverMonthlyUsd: money,
    })
    .partial()
    .optional(),
  /** Role id whose members approve tool calls here, besides admins (over APPROVER_ROLE). */
  approverRole: z.string().min(1).optional(),
});

export type Profile = z.infer<typeof ProfileSchema>;

export const ProfilesFileSchema = z.strictObject({
  profiles: z.record(
    z.string().regex(/^[\w-]{1,40}$/, 'profile names are letters, digits, - and _'),
    ProfileSchema,
  ),
  /** The profile used where nothing more specific matches. */
  default: z.string().optional(),
  /** Server (guild) id -> profile name. */
  servers: z.record(z.string(), z.string()).optional(),
  /** Category (channel category) id -> profile name. */
  categories: z.record(z.string(), z.string()).optional(),
  /** Channel id -> profile name (a thread counts as its parent channel). */
  channels: z.record(z.string(), z.string()).optional(),
});

export type ProfilesFile = z.infer<typeof ProfilesFileSchema>;

export interface NamedProfile extends Profile {
  name: string;
}

export interface Profiles {
  /** The profile in force for `actor`'s channel, or undefined when none applies. */
  resolve(actor: Pick<Actor, 'guildId' | 'channelId' | 'categoryId'>): NamedProfile | undefined;
  /** Every profile, by name. */
  all(): NamedProfile[];
}

const fail = (file: string, field: string, problem: string): never => {
  throw new ConfigError('PROFILES', `${file}: ${field}: ${problem}`, {
    fix: 'Fix that field in the profiles file (see README, "Channel profiles")',
  });
};

/** Check parsed file content; `models` are the ids an operator allows (ALLOWED_MODELS). */
export function checkProfiles(data: unknown, file: string, models: readonly string[]): Profiles {
  const parsed = ProfilesFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path ?? []).map(String).join('.') || '(top level)';
    return fail(file, field, issue?.message ?? 'invalid');
  }
  const content = parsed.data;
  const named = (name: string | undefined, field: string): NamedProfile | undefined => {
    if (name === undefined) return undefined;
    const profile = content.profiles[name];
    return profile ? { name, ...profile } : fail(file, field, `no profile named "${name}"`);
  };
  for (const [name, profile] of Object.entries(content.profiles)) {
    if (profile.model && !models.includes(profile.model))
      fail(
        file,
        `profiles.${name}.model`,
        `"${profile.model}" is not in ALLOWED_MODELS (${models.join(', ')})`,
      );
  }
  const table = (key: 'servers' | 'categories' | 'channels') =>
    new Map(Object.entries(content[key] ?? {}).map(([id, name]) => [id, named(name, `${key}.${id}`)]));
  const byServer = table('servers');
  const byCategory = table('categories');
  const byChannel = table('channels');
  const fallback = named(content.default, 'default');
  return {
    resolve(actor) {
      return (
        (actor.channelId ? byChannel.get(actor.channelId) : undefined) ??
        (actor.categoryId ? byCategory.get(actor.categoryId) : undefined) ??
        (actor.guildId ? byServer.get(actor.guildId) : undefined) ??
        fallback
      );
    },
    all: () => Object.entries(content.profiles).map(([name, profile]) => ({ name, ...profile })),
  };
}

/**
 * Read and check the PROFILES file (YAML or JSON, by content). The YAML parser (72 modules, ~45 ms)
 * is loaded only when there is a file to read.
 */
export async function loadProfiles(file: string, models: readonly string[]): Promise<Profiles> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError('PROFILES', `cannot read ${file}: ${describeError(cause)}`, {
      fix: 'Point PROFILES at a readable YAML or JSON file, or leave it empty',
      cause,
    });
  }
  const { parse: parseYaml } = await import('yaml');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    return fail(file, '(syntax)', describeError(cause));
  }
  return checkProfiles(data, file, models);
}

/** No PROFILES file: nothing applies anywhere. */
export const NO_PROFILES: Profiles = { resolve: () => undefined, all: () => [] };

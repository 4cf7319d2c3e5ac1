/**
 * Per-model settings (MODEL_OPTIONS): a JSON object, inline or in a file, mapping a model id to
 * where it is served and how the agent works with it, so an operator can point one model at
 * Ollama or llama-server and keep Claude for the others:
 *
 *   { "qwen3-coder:30b": { "baseUrl": "http://localhost:11434", "actions": "fenced",
 *                          "promptCaching": false, "pricing": { "input": 0, "output": 0 } } }
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';

const Price = z.number().min(0).max(10_000);

/** USD per million tokens; cache prices default to the input price (servers without caching). */
export const ModelPricingSchema = z.strictObject({
  input: Price,
  output: Price,
  cacheWrite: Price.optional(),
  cacheRead: Price.optional(),
});

/** The settings of one model id. Every field is optional. */
export const ModelOptionSchema = z.strictObject({
  /** An Anthropic-compatible server for this model (default ANTHROPIC_BASE_URL, else the Anthropic API). */
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:11434' })
    .refine((value) => !new URL(value).username && !new URL(value).password, {
      error: 'must not contain a user name or password (use apiKeyEnv)',
    })
    .optional(),
  /**
   * The environment variable holding this server's key. Without it, a model with its own
   * `baseUrl` is sent no key (ANTHROPIC_API_KEY never goes to another server).
   */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as OLLAMA_API_KEY')
    .optional(),
  /** The model name the server knows (default the id). */
  model: z.string().trim().min(1).optional(),
  /** `fenced` for models without reliable tool calls (default AGENT_ACTIONS). */
  actions: z.enum(['tools', 'fenced'], { error: 'expected "tools" or "fenced"' }).optional(),
  /** Send prompt-caching breakpoints (default true; false for servers without caching). */
  promptCaching: z.boolean({ error: 'expected true or false' }).optional(),
  /**
   * How long (ms) to wait for the response to start and for each next piece of a stream (default
   * 120 000 and 180 000): a local model on a CPU can take minutes to read a long prompt.
   */
  timeoutMs: z
    .number({ error: 'expected a number of milliseconds' })
    .int('expected a whole number of milliseconds')
    .min(1000, 'expected at least 1000 ms')
    .max(3_600_000, 'expected at most 3600000 ms (an hour)')
    .optional(),
  /** Prices, for a model the built-in table does not know (its cost is unknown otherwise). */
  pricing: ModelPricingSchema.optional(),
});

export const ModelOptionsSchema = z.record(
  z.string().trim().min(1, 'a model id must not be empty'),
  ModelOptionSchema,
);

export type ModelOption = z.infer<typeof ModelOptionSchema>;
export type ModelOptions = z.infer<typeof ModelOptionsSchema>;

const KEY = 'MODEL_OPTIONS';

/**
 * Parse MODEL_OPTIONS: inline JSON (starting with `{`, or `[` to be refused as not an object) or the path of a JSON file (relative to
 * `cwd`). Undefined or empty: no per-model settings. Throws one ConfigError naming the model and
 * field at fault.
 */
export function parseModelOptions(value: string | undefined, cwd: string): ModelOptions {
  const text = value?.trim();
  if (!text) return {};
  let json: string;
  let where = 'the value';
  if (/^[[{]/.test(text)) {
    json = text;
  } else {
    const file = path.resolve(cwd, text);
    where = file;
    try {
      json = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(KEY, `cannot read ${file}`, {
        fix: 'Set MODEL_OPTIONS to inline JSON or the path of a JSON file',
        cause: error,
      });
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(
      KEY,
      `${where} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      {
        fix: 'Write a JSON object mapping model ids to settings (see .env.example)',
        cause: error,
      },
    );
  }
  const parsed = ModelOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = (issue?.path ?? []).map(String);
    const field = at.length > 1 ? `"${at[0]}".${at.slice(1).join('.')}` : at[0] ? `"${at[0]}"` : 'the value';
    throw new ConfigError(KEY, `${field}: ${issue?.message ?? 'invalid'}`, {
      fix: 'Fields per model: baseUrl, apiKeyEnv, model, actions ("tools" | "fenced"), promptCaching, timeoutMs, pricing { input, output }',
    });
  }
  return parsed.data;
}

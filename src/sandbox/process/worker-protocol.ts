/**
 * The messages between the sandbox pool (parent) and its worker processes (children), as zod
 * schemas. The parent parses what a child sends with `ChildMessageSchema` (it never trusts a child:
 * its isolates run hostile code); a child refuses anything that is not one of the parent's shapes,
 * read by hand in parent-message.ts (no zod in a worker) and held to `ParentMessageSchema` by a test.
 */
import { z } from 'zod';

const Id = z.number().int().nonnegative();
const LevelSchema = z.enum(['log', 'info', 'warn', 'error', 'debug']);

export const LogEntrySchema = z.object({ level: LevelSchema, text: z.string() });

/** A provider as the child rebuilds it: binding names (calls go back to the parent) and the prelude. */
export const ProviderDescriptorSchema = z.object({
  namespace: z.string(),
  bindings: z.array(z.string()),
  prelude: z
    .object({
      href: z.string(),
      data: z.unknown().optional(),
      globals: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ProviderDescriptor = z.infer<typeof ProviderDescriptorSchema>;

export const LimitsSchema = z.object({
  memoryMb: z.number().positive(),
  timeoutMs: z.number().positive(),
  wallMs: z.number().positive(),
  maxOutputChars: z.number().positive(),
  maxPendingCalls: z.number().positive(),
});

/**
 * A provider of a run: its descriptor, and a key naming its content (the child keeps a sandbox's
 * providers by key from one run to the next, and only those of the last run).
 */
const RunProviderSchema = z.object({ key: z.string(), descriptor: ProviderDescriptorSchema });

/** What the parent sends. */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    sandboxId: Id,
    runId: Id,
    code: z.string(),
    limits: LimitsSchema,
    // As inline, a run's own limits are taken as given (a limit of 0 ends the run at once).
    runLimits: z.object({ timeoutMs: z.number(), wallMs: z.number() }).partial(),
    providers: z.array(RunProviderSchema),
    streamLogs: z.boolean(),
    /** The run's signal was aborted before it was sent. */
    aborted: z.boolean(),
  }),
  z.object({ type: z.literal('abort'), runId: Id }),
  z.object({ type: z.literal('dispose'), sandboxId: Id }),
  z.object({
    type: z.literal('call-result'),
    callId: Id,
    ok: z.boolean(),
    /** JSON of the value (undefined: no value), or of `{ name, message }` when not ok. */
    json: z.string().optional(),
  }),
  z.object({
    type: z.literal('evaluate'),
    callId: Id,
    requestId: Id,
    code: z.string(),
    filename: z.string(),
  }),
  z.object({ type: z.literal('pause'), callId: Id, pauseId: Id }),
  z.object({ type: z.literal('resume'), pauseId: Id }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

export const RunErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  stack: z.string().optional(),
  limit: z.enum(['memory', 'cpu', 'wall', 'output', 'pending-calls', 'aborted']).optional(),
});

export const RunResultSchema = z.object({
  ok: z.boolean(),
  value: z.string().optional(),
  data: z.unknown().optional(),
  logs: z.array(LogEntrySchema),
  error: RunErrorSchema.optional(),
  durationMs: z.number(),
  truncated: z.boolean().optional(),
  stateReset: z.boolean().optional(),
});

export const StatsSchema = z.object({
  runs: z.number().nonnegative(),
  cpuTimeMs: z.number().nonnegative(),
  heapUsedBytes: z.number().nonnegative(),
  resets: z.number().nonnegative(),
});

/** How the child is doing: its RSS and the isolates it lost beyond recovery (any makes it tainted). */
const HealthSchema = z.object({ rssBytes: z.number().nonnegative(), lost: z.number().int().nonnegative() });

/** What a child sends. */
export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int(), health: HealthSchema }),
  z.object({ type: z.literal('logs'), runId: Id, entries: z.array(LogEntrySchema) }),
  z.object({
    type: z.literal('call'),
    runId: Id,
    callId: Id,
    name: z.string(),
    args: z.array(z.unknown()),
  }),
  z.object({
    type: z.literal('result'),
    runId: Id,
    result: RunResultSchema,
    stats: StatsSchema,
    /** The isolate was dropped during the run: the next run needs a fresh one. */
    isolateLost: z.boolean(),
    health: HealthSchema,
  }),
  /** The health changed between runs (an isolate lost to an out-of-memory in a GC after its run). */
  z.object({ type: z.literal('health'), health: HealthSchema }),
  /** A sandbox's figures a little after its run (the heap is read asynchronously in the child). */
  z.object({ type: z.literal('stats'), sandboxId: Id, stats: StatsSchema }),
  z.object({
    type: z.literal('evaluated'),
    requestId: Id,
    ok: z.boolean(),
    message: z.string().optional(),
  }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
export type ChildHealth = z.infer<typeof HealthSchema>;

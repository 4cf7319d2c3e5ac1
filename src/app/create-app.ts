/**
 * Wires Toolsmith's parts from the configuration: the store, the model, the tool hub, the skill
 * library and the task service over them. The bot and the terminal front ends both start from here;
 * tests build parts directly.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createEmptySkillSource } from '../agent/empty-skill-source.ts';
import { type SessionSnapshot, SessionSnapshotSchema } from '../agent/session-snapshot.ts';
import { createTaskSession } from '../agent/task-session.ts';
import type { SkillSource } from '../agent/types.ts';
import type { Config } from '../config.ts';
import { requireValue, secretsOf } from '../config.ts';
import { describeError } from '../errors.ts';
import type { AnthropicModelOptions } from '../model/create-anthropic-model.ts';
import { createModelRouter, type ModelRouter } from '../model/create-model-router.ts';
import type { Model } from '../model/types.ts';
import { createSandboxPool, type SandboxPool, workerEnvFrom } from '../sandbox/process/sandbox-pool.ts';
import type { Sandbox, SandboxOptions } from '../sandbox/types.ts';
import { createTaskService, type TaskServiceOptions } from '../service/create-task-service.ts';
import { loadProfiles } from '../service/profiles.ts';
import type { SkillVotes, TaskService } from '../service/types.ts';
import { openSkillLibraryFromConfig } from '../skills/open-from-config.ts';
import type { SkillLibrary } from '../skills/types.ts';
import { type AuditRepo, createAuditRepo } from '../store/audit-repo.ts';
import { startAuditRetention } from '../store/audit-retention.ts';
import { acquireDataDirLock } from '../store/data-dir-lock.ts';
import { createModelChoicesRepo } from '../store/model-choices-repo.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createReportsRepo } from '../store/reports-repo.ts';
import { createSessionsRepo, type SessionsRepo } from '../store/sessions-repo.ts';
import { createUsageRepo } from '../store/usage-repo.ts';
import { createRedactor } from '../text/redact-secrets.ts';
import { openToolHub } from '../tools/open-tool-hub.ts';
import type { ToolHub } from '../tools/types.ts';
import { createSkillAdmin } from './skill-admin.ts';

/** How each front end is named to the model, for the prompt's style rules. */
const FRONT_END_NAMES = { discord: 'Discord', terminal: 'a terminal' } as const;

export interface App {
  config: Config;
  model: Model;
  hub: ToolHub;
  skills: SkillSource;
  /** The skill library's management API (undefined when the library is off). */
  skillLibrary: SkillLibrary | undefined;
  store: Store;
  sessions: SessionsRepo<SessionSnapshot>;
  audit: AuditRepo;
  /** The worker processes sandboxes run in (undefined with SANDBOX_WORKERS=inline). */
  sandboxPool: SandboxPool | undefined;
  /** The application core the front ends drive. */
  service: TaskService;
  /** Stop the service, then close the library, the tools and the store. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** `false`: no skill library (offers nothing, learns nothing). Default: the library from the config. */
  skills?: false;
  /** Build the skill source instead (tests hand in their own). */
  createSkills?: (parts: { config: Config; model: Model; store: Store }) => Promise<SkillSource>;
  /** One model for everything, with no choice (tests); default: the router over ALLOWED_MODELS. */
  model?: Model;
  /** Options added to every model client the router makes (tests: backoff). */
  modelClient?: Partial<AnthropicModelOptions>;
  /** Where votes on skills go (default: the skill library's own). */
  skillVotes?: SkillVotes;
  /** Lines worth telling an operator (index rebuilt, seeds loaded, ...). */
  log?: (message: string) => void;
  /**
   * The front end runs one session at a time (the terminal): no spare sandbox process is kept for new
   * sessions (SANDBOX_SPARE_PROCESSES is for the bot); a session's process starts as the session opens
   * (while the model thinks), and a chat that never opens one starts none.
   */
  oneSession?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  // One client per allowed model (MODEL_OPTIONS: servers, actions, caching, prices); the default
  // one is the session's, and each message may run on the one its thread, channel or profile picks.
  if (!options.model && !config.anthropic.modelOptions[config.anthropic.model]?.baseUrl)
    requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'the agent');
  const router = options.model ? undefined : createModelRouter(config, options.modelClient ?? {});
  const model = options.model ?? (router as ModelRouter).get();
  const profiles = config.profilesPath
    ? await loadProfiles(config.profilesPath, config.anthropic.allowedModels)
    : undefined;
  // A bad mcp.json throws here, before anything is opened.
  const hub = await openToolHub(config);
  const closers: (() => unknown)[] = [() => hub.close()];
  const unwind = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    // Sandboxes run in worker processes the app recycles (see sandbox/process/sandbox-pool.ts), so an
    // isolate lost beyond recovery never stays in this process; closed after the service, below.
    const sandboxPool = sandboxPoolFor(config, options);
    if (sandboxPool) closers.push(() => sandboxPool.close());
    // Only a process whose sandboxes live in it (SANDBOX_WORKERS=inline) loads isolated-vm.
    const makeSandbox =
      sandboxPool?.createSandbox ?? (await import('../sandbox/create-sandbox.ts')).createSandbox;
    const { store, sessions, audit, reports, usage, choices } = openStoreParts(config, closers, options.log);
    const skillLibrary =
      options.skills === false || options.createSkills
        ? undefined
        : await openSkillLibraryFromConfig({
            config,
            store,
            model,
            createSandbox: makeSandbox,
            ...(options.log ? { log: (_level, message) => options.log?.(message) } : {}),
          });
    if (skillLibrary) closers.push(() => skillLibrary.close());
    const skills: SkillSource = options.createSkills
      ? await options.createSkills({ config, model, store })
      : (skillLibrary ?? createEmptySkillSource());
    const redactor = createRedactor(secretsOf(config));
    const skillVotes = options.skillVotes ?? (skillLibrary ? createSkillAdmin(skillLibrary) : undefined);
    const service = createTaskService({
      config,
      sessions,
      audit,
      reports,
      usage,
      choices,
      ...(router ? { catalog: router } : {}),
      ...(profiles ? { profiles } : {}),
      redactor,
      ...(skillVotes ? { skillVotes } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(sandboxPool ? { sandboxProcesses: () => sandboxPool.status() } : {}),
      openSession: sessionOpener({ config, model, hub, skills, sessions, redactor, makeSandbox }),
    });
    closers.push(() => service.shutdown());
    return {
      config,
      model,
      hub,
      skills,
      skillLibrary,
      store,
      sessions,
      audit,
      sandboxPool,
      service,
      close: unwind,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/** The pool of sandbox processes the config asks for (none when SANDBOX_WORKERS=inline). */
function sandboxPoolFor(config: Config, { log, oneSession }: CreateAppOptions): SandboxPool | undefined {
  if (config.sandboxProcesses.mode !== 'process') return undefined;
  return createSandboxPool({
    perProcess: config.sandboxProcesses.perProcess,
    maxRssMb: config.sandboxProcesses.maxRssMb,
    // The terminal's one session: no spare, and its process starts as the session opens.
    spare: oneSession ? 0 : config.sandboxProcesses.spare,
    warmOnCreate: oneSession === true,
    // Only what a worker needs of the environment: never a key or a token.
    env: workerEnvFrom(config.env),
    ...(log ? { log: (message: string) => log(`sandbox: ${message}`) } : {}),
  });
}

/** The store and its repos, after the DATA_DIR lock; their closers (and audit retention's) pushed. */
function openStoreParts(
  config: Config,
  closers: (() => unknown)[],
  log: ((message: string) => void) | undefined,
) {
  // One Toolsmith per DATA_DIR: a second process stops here, naming the first.
  const lock = acquireDataDirLock(config.dataDir);
  closers.push(() => lock.release());
  const store = openStore({ dataDir: config.dataDir });
  closers.push(() => store.close());
  const sessions = createSessionsRepo(store, { snapshotSchema: SessionSnapshotSchema });
  const audit = createAuditRepo(store);
  closers.push(
    startAuditRetention({
      audit,
      days: config.auditRetentionDays,
      onPrune: (deleted, before) =>
        log?.(`audit: ${deleted} rows older than ${before.toISOString().slice(0, 10)} removed`),
      onError: (error) => log?.(`audit retention failed: ${describeError(error)}`),
    }),
  );
  return {
    store,
    sessions,
    audit,
    reports: createReportsRepo(store),
    usage: createUsageRepo(store),
    choices: createModelChoicesRepo(store),
  };
}

/** How the task service opens a session: its workspace folder, then the agent's task session. */
function sessionOpener(parts: {
  config: Config;
  model: Model;
  hub: ToolHub;
  skills: SkillSource;
  sessions: SessionsRepo<SessionSnapshot>;
  redactor: ReturnType<typeof createRedactor>;
  makeSandbox: (options: SandboxOptions) => Sandbox;
}): TaskServiceOptions['openSession'] {
  const { config, model, hub, skills, sessions, redactor, makeSandbox } = parts;
  return async ({ id, scope, frontEnd, restore, restoredBecause, workspaceDir }) => {
    const dir = workspaceDir ?? restore?.workspaceDir ?? path.join(config.dataDir, 'workspaces', id);
    await mkdir(dir, { recursive: true });
    return createTaskSession({
      id,
      model,
      scope,
      workspaceDir: dir,
      limits: config.agent,
      sandboxLimits: config.sandbox,
      createSandbox: makeSandbox,
      tools: hub,
      skills,
      frontEnd: FRONT_END_NAMES[frontEnd],
      ...(restore ? { restore } : {}),
      ...(restoredBecause ? { restoredBecause } : {}),
      // The transcript is saved after every message, without the secrets code may have printed.
      onSave: (snapshot) => sessions.saveSnapshot(id, redactor.redactDeep(snapshot)),
    });
  };
}

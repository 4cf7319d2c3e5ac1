/**
 * Wires Toolsmith's parts from the configuration: the store, the model, the tool hub and the skill
 * library. The bot and the terminal front ends both start from here; tests build parts directly.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createEmptySkillSource } from '../agent/empty-skill-source.ts';
import { createTaskSession, type SessionSnapshot, type TaskSession } from '../agent/task-session.ts';
import type { SkillSource, TaskScope } from '../agent/types.ts';
import type { Config } from '../config.ts';
import { requireValue } from '../config.ts';
import { createAnthropicModel } from '../model/create-anthropic-model.ts';
import type { Model } from '../model/types.ts';
import { createSandbox } from '../sandbox/create-sandbox.ts';
import { openSkillLibraryFromConfig } from '../skills/open-from-config.ts';
import type { SkillLibrary } from '../skills/types.ts';
import { type AuditRepo, createAuditRepo } from '../store/audit-repo.ts';
import { openStore, type Store } from '../store/open-store.ts';
import { createSessionsRepo, type SessionsRepo } from '../store/sessions-repo.ts';
import { openToolHub } from '../tools/open-tool-hub.ts';
import type { ToolHub } from '../tools/types.ts';

export interface App {
  config: Config;
  model: Model;
  hub: ToolHub;
  skills: SkillSource;
  /** The skill library's management API (undefined when the library is off). */
  skillLibrary: SkillLibrary | undefined;
  store: Store;
  sessions: SessionsRepo;
  audit: AuditRepo;
  /** A new or restored task session with the app's parts and limits. */
  openSession(options: {
    id: string;
    scope: TaskScope;
    frontEnd: string;
    restore?: SessionSnapshot;
    workspaceDir?: string;
  }): Promise<TaskSession>;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** `false`: no skill library (offers nothing, learns nothing). Default: the library from the config. */
  skills?: false;
  /** Build the skill source instead (tests hand in their own). */
  createSkills?: (parts: { config: Config; model: Model; store: Store }) => Promise<SkillSource>;
  /** The model (default: the Anthropic client from the config). */
  model?: Model;
  /** Lines worth telling an operator (index rebuilt, seeds loaded, ...). */
  log?: (message: string) => void;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const model =
    options.model ??
    createAnthropicModel({
      apiKey: requireValue(config.anthropic.apiKey, 'ANTHROPIC_API_KEY', 'the agent'),
      baseUrl: config.anthropic.baseUrl,
      model: config.anthropic.model,
      maxRetries: config.anthropic.maxRetries,
    });
  // A bad mcp.json throws here, before anything is opened.
  const hub = await openToolHub(config);
  let store: Store;
  try {
    store = openStore({ dataDir: config.dataDir });
  } catch (error) {
    await hub.close();
    throw error;
  }
  const sessions = createSessionsRepo(store);
  const audit = createAuditRepo(store);
  let skillLibrary: SkillLibrary | undefined;
  try {
    skillLibrary =
      options.skills === false || options.createSkills
        ? undefined
        : await openSkillLibraryFromConfig({
            config,
            store,
            model,
            createSandbox,
            ...(options.log ? { log: (_level, message) => options.log?.(message) } : {}),
          });
  } catch (error) {
    await hub.close();
    store.close();
    throw error;
  }
  let skills: SkillSource = skillLibrary ?? createEmptySkillSource();
  if (options.createSkills) {
    try {
      skills = await options.createSkills({ config, model, store });
    } catch (error) {
      await skillLibrary?.close();
      await hub.close();
      store.close();
      throw error;
    }
  }
  return {
    config,
    model,
    hub,
    skills,
    skillLibrary,
    store,
    sessions,
    audit,
    async openSession({ id, scope, frontEnd, restore, workspaceDir }) {
      const dir = workspaceDir ?? restore?.workspaceDir ?? path.join(config.dataDir, 'workspaces', id);
      await mkdir(dir, { recursive: true });
      return createTaskSession({
        id,
        model,
        scope,
        workspaceDir: dir,
        limits: config.agent,
        sandboxLimits: config.sandbox,
        tools: hub,
        skills,
        frontEnd,
        ...(restore ? { restore } : {}),
        // The transcript is saved after every message (a session without a row, e.g. the terminal's, saves nothing).
        onSave: (snapshot) => sessions.saveSnapshot(id, snapshot),
      });
    },
    async close() {
      await skillLibrary?.close();
      await hub.close();
      store.close();
    },
  };
}

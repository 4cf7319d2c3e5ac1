/** Wiring for the front ends: the skill library as the configuration describes it. */
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Model } from '../model/types.ts';
import type { Sandbox, SandboxOptions } from '../sandbox/types.ts';
import type { Store } from '../store/open-store.ts';
import { createDistiller } from './distillation/distill.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import { openSkillLibrary } from './records/skill-library.ts';
import type { Embedder, SkillLibrary, SkillLog } from './types.ts';

/** The seed skills shipped with the project (`<repo>/seed-skills`). */
export const SEEDS_DIR = path.resolve(import.meta.dirname, '../../seed-skills');

/** Where the vector index lives: `<DATA_DIR>/skills-index`. */
export function skillIndexDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'skills-index');
}

export interface SkillLibraryFromConfigOptions {
  config: Config;
  store: Store;
  /** Needed to learn (with `createSandbox`); without it the library retrieves but never learns. */
  model?: Model;
  /** Runs skill calls (each skill in a sandbox of its own) and the distiller's checks. */
  createSandbox?: (options: SandboxOptions) => Sandbox;
  /** Seed folder (default the project's `seed-skills/`; `false` to load none). */
  seedsDir?: string | false;
  /** Rebuild the index from the store (what `toolsmith skills reindex` does). */
  rebuild?: boolean;
  /** Override the configured embedder (tests). */
  embedder?: Embedder;
  log?: SkillLog;
}

/**
 * Open the library: store records, the vector index in DATA_DIR (rebuilt when missing or corrupt),
 * seeds upserted, the configured embedder (EMBEDDINGS_*), SKILLS_* settings, and distillation with
 * SKILLS_DISTILL_MODEL when a model and a sandbox factory are given.
 */
export function openSkillLibraryFromConfig(options: SkillLibraryFromConfigOptions): Promise<SkillLibrary> {
  const { config } = options;
  const seedsDir = options.seedsDir === false ? undefined : (options.seedsDir ?? SEEDS_DIR);
  return openSkillLibrary({
    store: options.store,
    embedder: options.embedder ?? createEmbedder(config.skills),
    indexDir: skillIndexDir(config),
    topK: config.skills.topK,
    minScore: config.skills.minScore,
    dedupeThreshold: config.skills.dedupeThreshold,
    learn: config.skills.learn,
    sharePure: config.skills.sharePure,
    ...(options.createSandbox
      ? {
          createSandbox: options.createSandbox,
          skillLimits: { memoryMb: config.sandbox.memoryMb, timeoutMs: config.sandbox.timeoutMs },
        }
      : {}),
    ...(options.model && options.createSandbox
      ? {
          distiller: createDistiller({
            model: options.model,
            modelId: config.anthropic.distillModel,
            createSandbox: options.createSandbox,
          }),
        }
      : {}),
    ...(seedsDir ? { seedsDir } : {}),
    ...(options.rebuild ? { rebuild: true } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

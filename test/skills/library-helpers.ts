/** Shared set-up of the skill library tests: real store, real vectra index, local embedder, temp folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Model, ModelRequest, ModelResponse } from '../../src/model/types.ts';
import { createLocalEmbedder } from '../../src/skills/embeddings/local-embedder.ts';
import { openSkillLibrary, type SkillLibraryOptions } from '../../src/skills/records/skill-library.ts';
import { memberActor, operatorActor } from '../../src/skills/records/trust.ts';
import type { SkillActor, SkillDraft, SkillLibrary } from '../../src/skills/types.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

export interface Harness {
  dir: string;
  indexDir: string;
  logs: string[];
  stores: Store[];
  libraries: SkillLibrary[];
  open(options?: Partial<SkillLibraryOptions>): Promise<SkillLibrary>;
  cleanup(): Promise<void>;
}

export function createHarness(): Harness {
  const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-skills-'));
  const harness: Harness = {
    dir,
    indexDir: path.join(dir, 'skills-index'),
    logs: [],
    stores: [],
    libraries: [],
    async open(options = {}) {
      const store = options.store ?? openStore({ dataDir: dir });
      if (!options.store) harness.stores.push(store);
      const library = await openSkillLibrary({
        store,
        embedder: createLocalEmbedder(),
        indexDir: harness.indexDir,
        log: (level, message) => harness.logs.push(`${level}: ${message}`),
        ...options,
      });
      harness.libraries.push(library);
      return library;
    },
    async cleanup() {
      for (const library of harness.libraries.splice(0)) await library.close();
      for (const store of harness.stores.splice(0)) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const draft = (overrides: Partial<SkillDraft> = {}): SkillDraft => ({
  name: 'sum-by-group',
  description: 'Group rows by a key and total a numeric field for each group.',
  signature: 'sumByGroup(rows: object[], key: string, field: string): Record<string, number>',
  code: 'function sumByGroup(rows, key, field) {\n  const totals = {};\n  for (const row of rows) totals[row[key]] = (totals[row[key]] ?? 0) + Number(row[field]);\n  return totals;\n}',
  task: 'total the sales amount per region from the csv',
  example: "sumByGroup([{ r: 'a', v: 1 }, { r: 'a', v: 2 }], 'r', 'v')",
  scope: 'guild-1',
  author: 'ana',
  source: 'learned',
  ...overrides,
});

/** A Model (our own interface, not an SDK) that answers each request with the next scripted text. */
export function scriptedModel(replies: string[]): Model & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    modelId: 'scripted',
    requests,
    async complete(request): Promise<ModelResponse> {
      requests.push(request);
      const text = replies.shift();
      if (text === undefined) throw new Error('scriptedModel: no reply left');
      return {
        content: [{ type: 'text', text }],
        stopReason: 'end_turn',
        usage: { inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
        model: request.model ?? 'scripted',
        costUsd: 0,
      };
    },
  };
}

/** The operator (the CLI): approves in every scope, owns `global`. */
export const OPERATOR: SkillActor = operatorActor('op');
/** A reviewer of guild-1 (its admin or skill reviewer role). */
export const REVIEWER_1: SkillActor = { id: 'rita', operator: false, reviewerOf: ['guild-1'] };
/** A plain member. */
export const member = (id: string): SkillActor => memberActor(id);

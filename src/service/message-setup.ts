/**
 * What each message runs with, decided in one place: the channel's profile (instructions, tools,
 * budgets, learning) and the model, chosen by the most specific of a thread's /model, a channel's
 * /model, the profile, and ANTHROPIC_MODEL. Only models an operator allows can be chosen.
 */
import type { MessageSetup } from '../agent/task-session.ts';
import type { Model } from '../model/types.ts';
import type { ModelChoicesRepo } from '../store/model-choices-repo.ts';
import type { NamedProfile, Profiles } from './profiles.ts';
import type { Actor } from './types.ts';

/** The models a member may pick, and a client per id (the model router). */
export interface ModelCatalog {
  models(): { id: string; default: boolean }[];
  get(id?: string): Model;
}

export type ChooseOutcome = 'set' | 'unknown-model' | 'not-allowed';

export interface SetupResolver {
  profile(actor: Actor): NamedProfile | undefined;
  /** The model id a message of `actor` in this session would use now. */
  modelId(sessionId: string | undefined, actor: Actor): string;
  setupFor(sessionId: string, actor: Actor): MessageSetup;
  /** Pick a model for a thread (its owner or an admin) or a channel (admins). */
  choose(
    target: { sessionId: string; owner: string } | { channelId: string },
    actor: Actor,
    isAdmin: boolean,
    model: string,
  ): ChooseOutcome;
}

export function createSetupResolver(options: {
  profiles: Profiles;
  catalog: ModelCatalog | undefined;
  choices: ModelChoicesRepo;
}): SetupResolver {
  const { profiles, catalog, choices } = options;
  const defaultId = () => catalog?.models().find((model) => model.default)?.id ?? '';
  const modelId = (sessionId: string | undefined, actor: Actor) =>
    (sessionId ? choices.get({ sessionId }) : undefined) ??
    (actor.channelId ? choices.get({ channelId: actor.channelId }) : undefined) ??
    profiles.resolve(actor)?.model ??
    defaultId();
  return {
    profile: (actor) => profiles.resolve(actor),
    modelId,
    setupFor(sessionId, actor) {
      const profile = profiles.resolve(actor);
      const limits = {
        ...(profile?.maxSteps !== undefined ? { maxSteps: profile.maxSteps } : {}),
        ...(profile?.maxCostUsd !== undefined ? { maxCostUsd: profile.maxCostUsd } : {}),
      };
      const id = modelId(sessionId, actor);
      return {
        ...(catalog && id ? { model: catalog.get(id) } : {}),
        ...(profile?.prompt ? { instructions: profile.prompt } : {}),
        ...(profile?.tools ? { servers: profile.tools } : {}),
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(profile?.learnSkills === false ? { learn: false } : {}),
      };
    },
    choose(target, actor, isAdmin, model) {
      if (!catalog?.models().some((m) => m.id === model)) return 'unknown-model';
      if ('owner' in target) {
        if (target.owner !== actor.userId && !isAdmin) return 'not-allowed';
        choices.set({ sessionId: target.sessionId }, model, actor.userId);
        return 'set';
      }
      if (!isAdmin) return 'not-allowed';
      choices.set({ channelId: target.channelId }, model, actor.userId);
      return 'set';
    },
  };
}

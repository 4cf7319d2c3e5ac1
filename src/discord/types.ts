/** Contracts of the Discord front end: commands, the context they run with, and the skill admin API. */
import type { AutocompleteInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { App } from '../app/create-app.ts';
import type { Config } from '../config.ts';
import type { Permissions } from './permissions.ts';
import type { TaskManager } from './task-manager.ts';

/** A slash command module: `export default { data, execute } satisfies Command`. */
export interface Command {
  data: { name: string; toJSON(): unknown };
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

/** A skill as listed to people. */
export interface SkillSummary {
  name: string;
  description: string;
  scope: string;
  author: string;
  used: number;
  succeeded: number;
  failed: number;
  votes: number;
}

export interface SkillDetail extends SkillSummary {
  signature: string;
  code: string;
  task: string;
  source: string;
  version: number;
}

/** What the bot needs of the skill library for /skills and votes. */
export interface SkillAdmin {
  list(scope: string): Promise<SkillSummary[]>;
  search(text: string, scope: string): Promise<SkillSummary[]>;
  get(name: string, scope: string): Promise<SkillDetail | undefined>;
  remove(name: string, scope: string): Promise<boolean>;
  vote(name: string, scope: string, delta: 1 | -1): Promise<void>;
}

export type BotApp = Pick<App, 'hub' | 'skills' | 'sessions' | 'audit' | 'openSession'>;

export interface BotContext {
  config: Config;
  app: BotApp;
  skillAdmin: SkillAdmin | undefined;
  tasks: TaskManager;
  permissions: Permissions;
}

/** Contracts of the Discord front end: commands, the context they run with, and the skill admin API. */
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { SkillAdmin } from '../app/skill-admin.ts';
import type { Config } from '../config.ts';
import type { TaskService } from '../service/types.ts';
import type { ToolHub } from '../tools/types.ts';
import type { ButtonId } from './button-ids.ts';

/** A slash command module: `export default { data, execute } satisfies Command`. */
export interface Command {
  data: { name: string; toJSON(): unknown };
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

/** What the bot needs of the skill library for /skills, review and votes (the app's, not Discord's). */
export type { SkillAdmin, SkillDetail, SkillSummary } from '../app/skill-admin.ts';

/** A button kind's handler: finds its target from the id again and checks who clicked. */
export type ButtonHandler<K extends ButtonId['kind'] = ButtonId['kind']> = (
  interaction: ButtonInteraction,
  id: Extract<ButtonId, { kind: K }>,
  context: BotContext,
) => Promise<void>;

/** What commands and buttons run with: the task service decides, the adapter renders. */
export interface BotContext {
  config: Config;
  service: TaskService;
  /** The tool servers, for /tools. */
  tools: Pick<ToolHub, 'servers'>;
  skillAdmin: SkillAdmin | undefined;
}

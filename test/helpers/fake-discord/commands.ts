/** Application commands: the deploy body checked as Discord checks it, stored per guild or globally. */
import { z } from 'zod';
import type { FakeContext } from './context.ts';
import { discordErrors, formError } from './discord-error.ts';
import type { FakeState, StoredCommand } from './state.ts';

const NameSchema = z
  .string()
  .regex(/^[-_'\p{L}\p{N}]{1,32}$/u, 'Command name is invalid')
  .refine((name) => name === name.toLowerCase(), 'Command name must be lowercase');

const ChoiceSchema = z.looseObject({
  name: z.string().min(1).max(100),
  value: z.union([z.string().max(100), z.number()]),
});

const OptionSchema = z.looseObject({
  type: z.number().int().min(1).max(11),
  name: NameSchema,
  description: z.string().min(1).max(100),
  required: z.boolean().optional(),
  autocomplete: z.boolean().optional(),
  choices: z.array(ChoiceSchema).max(25).optional(),
  get options() {
    return z.array(OptionSchema).max(25).optional();
  },
});

const CommandSchema = z.looseObject({
  name: NameSchema,
  type: z.number().int().min(1).max(4).optional(),
  description: z.string().max(100).optional(),
  options: z.array(OptionSchema).max(25).optional(),
  default_member_permissions: z.string().regex(/^\d+$/).nullish(),
  nsfw: z.boolean().optional(),
});

type CommandInput = z.infer<typeof CommandSchema>;
type OptionInput = z.infer<typeof OptionSchema>;

/** Rules zod cannot say: chat input commands need a description, required options come first. */
function checkCommand(command: CommandInput, index: number): void {
  const type = command.type ?? 1;
  if (type === 1 && !command.description) {
    throw discordErrors.invalidForm([index, 'description'], 'BASE_TYPE_REQUIRED', 'This field is required');
  }
  const checkOptions = (options: OptionInput[] | undefined, path: (string | number)[]) => {
    let seenOptional = false;
    for (const [position, option] of (options ?? []).entries()) {
      if (option.type === 1 || option.type === 2) {
        checkOptions(option.options, [...path, position, 'options']);
        continue;
      }
      if (option.required && seenOptional) {
        throw discordErrors.invalidForm(
          [...path, position, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
      if (!option.required) seenOptional = true;
    }
  };
  checkOptions(command.options, [index, 'options']);
}

/** PUT .../commands: replace all commands of one scope; a command keeps its id across deploys. */
export function deployCommands(ctx: FakeContext, guildId: string | null, json: unknown): StoredCommand[] {
  const parsed = z.array(CommandSchema).max(100).safeParse(json);
  if (!parsed.success) throw formError(parsed.error);
  const seen = new Set<string>();
  for (const [index, command] of parsed.data.entries()) {
    checkCommand(command, index);
    const key = `${command.type ?? 1}:${command.name}`;
    if (seen.has(key)) {
      throw discordErrors.invalidForm(
        [index, 'name'],
        'APPLICATION_COMMAND_ALREADY_EXISTS',
        'Application command names must be unique',
      );
    }
    seen.add(key);
  }
  const previous = commandsOf(ctx.state, guildId);
  const version = ctx.ids.next();
  const stored = parsed.data.map((command): StoredCommand => {
    const type = command.type ?? 1;
    const before = previous.find((c) => c.name === command.name && c.type === type);
    return {
      ...command,
      id: before?.id ?? ctx.ids.next(),
      application_id: ctx.state.application.id,
      ...(guildId ? { guild_id: guildId } : {}),
      version,
      type,
      description: command.description ?? '',
      default_member_permissions: command.default_member_permissions ?? null,
      nsfw: command.nsfw ?? false,
    };
  });
  if (guildId) ctx.state.guildCommands.set(guildId, stored);
  else ctx.state.globalCommands = stored;
  return stored;
}

export function commandsOf(state: FakeState, guildId: string | null): StoredCommand[] {
  return guildId ? (state.guildCommands.get(guildId) ?? []) : state.globalCommands;
}

/** The chat input command a member of `guildId` would see under `name`: guild commands first. */
export function findCommand(state: FakeState, guildId: string, name: string): StoredCommand | undefined {
  const match = (c: StoredCommand) => c.name === name && c.type === 1;
  return commandsOf(state, guildId).find(match) ?? state.globalCommands.find(match);
}

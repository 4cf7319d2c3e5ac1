/**
 * Loads the slash commands from the `commands/` folder beside it, one module each, and checks
 * every default export's shape with zod before it is registered or deployed.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import type { Command } from './types.ts';

export const COMMANDS_DIR = path.resolve(import.meta.dirname, 'commands');

const CommandSchema = z.object({
  data: z.looseObject({ name: z.string().regex(/^[-_a-z0-9]{1,32}$/), toJSON: z.function() }),
  execute: z.function(),
  autocomplete: z.function().optional(),
});

export async function loadCommands(dir = COMMANDS_DIR): Promise<Map<string, Command>> {
  const commands = new Map<string, Command>();
  const files = (await readdir(dir)).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).sort();
  for (const file of files) {
    const module: { default?: unknown } = await import(pathToFileURL(path.join(dir, file)).href);
    const checked = CommandSchema.safeParse(module.default);
    if (!checked.success) {
      throw new UsageError(
        `commands/${file} does not export a command: ${checked.error.issues[0]?.message ?? 'bad shape'}`,
        {
          fix: 'Export `default { data, execute } satisfies Command`',
        },
      );
    }
    const command = module.default as Command;
    if (commands.has(command.data.name))
      throw new UsageError(`two command files define /${command.data.name}`);
    commands.set(command.data.name, command);
  }
  return commands;
}

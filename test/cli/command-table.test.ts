/** The help's line per command is each command module's own summary. */
import { expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.ts';

it('lists every command with the summary its module declares', { timeout: 120_000 }, async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = (await entry.load()).default;
    expect(entry.summary, name).toBe(command.summary);
    expect(command.usage, name).toMatch(new RegExp(`^toolsmith ${name}\\b`));
  }
});

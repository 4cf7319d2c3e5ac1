/**
 * The `toolsmith` subcommands: each module is loaded on demand (some pull in heavy libraries), so the
 * help's one line per command is kept here, equal to the module's own `summary` (a test checks it).
 */
import type { CliCommand } from './types.ts';

export interface CommandEntry {
  /** The module's `CliCommand.summary`. */
  summary: string;
  load: () => Promise<{ default: CliCommand }>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  chat: {
    summary: 'Chat with the agent in the terminal: a saved session; follow-ups keep the sandbox state.',
    load: () => import('./commands/chat.ts'),
  },
  run: {
    summary: 'Run one task with the agent: the answer on stdout, progress and a summary on stderr.',
    load: () => import('./commands/run.ts'),
  },
  sessions: {
    summary: 'List saved task sessions (terminal and Discord), newest first.',
    load: () => import('./commands/sessions.ts'),
  },
  status: {
    summary: 'What Toolsmith holds: sessions, the bot process and its memory, the store and disk.',
    load: () => import('./commands/status.ts'),
  },
  doctor: {
    summary: 'Check the configuration, network endpoints, MCP servers, store and skill index.',
    load: () => import('./commands/doctor.ts'),
  },
  bot: { summary: 'Start the Discord bot.', load: () => import('./commands/bot.ts') },
  'deploy-commands': {
    summary: 'Register the slash commands with Discord.',
    load: () => import('./commands/deploy-commands.ts'),
  },
  tools: {
    summary: 'Show the tool servers, their status and tools, and the declarations the model sees.',
    load: () => import('./commands/tools.ts'),
  },
  skills: {
    summary:
      'Manage the skill library: list, search, show, delete, export, import, reindex, review, approve, reject, history, diff, revert.',
    load: () => import('./commands/skills.ts'),
  },
  sandbox: {
    summary: 'Run JavaScript/TypeScript files in one sandbox session, as the agent would.',
    load: () => import('./commands/sandbox.ts'),
  },
};

/**
 * Approvals in the terminal: a tool call that needs a person is shown with its reason and argument,
 * and the operator answers `y` (once), `a` (for the rest of this task) or `N` (deny, the default).
 * Where nobody can answer (stdin is not a terminal, or chat owns the input line), the call is denied
 * at once with a note saying why, instead of waiting for the time-out.
 */
import { createInterface } from 'node:readline/promises';
import type { ApprovalChoice } from '../service/approvals.ts';
import type { Actor, TaskEvent, TaskService } from '../service/types.ts';
import type { Screen } from './screen.ts';

export interface TerminalApprovalOptions {
  service: Pick<TaskService, 'decide'>;
  actor: Actor;
  screen: Screen;
  /** Ask the operator (a TTY on stdin); without it every call that needs approval is denied. */
  ask?: (question: string) => Promise<string>;
  /** Why nobody can answer here, when `ask` is absent. */
  whyNot?: string;
}

/** Parse an answer: y/yes = once, a/all = for this task, anything else = deny. */
export function choiceOf(answer: string): ApprovalChoice {
  const word = answer.trim().toLowerCase();
  if (word === 'y' || word === 'yes') return 'once';
  if (word === 'a' || word === 'all') return 'task';
  return 'deny';
}

/** Wraps an event listener: approval events are answered here, everything else passes on. */
export function withTerminalApprovals(
  onEvent: (event: TaskEvent) => void,
  options: TerminalApprovalOptions,
): (event: TaskEvent) => void {
  let asking: Promise<unknown> = Promise.resolve();
  return (event) => {
    onEvent(event);
    if (event.type !== 'approval') return;
    const view = event.approval;
    options.screen.line(`approval needed: ${view.label} (${view.reason})\n${view.input}`);
    const ask = options.ask;
    if (!ask) {
      options.screen.line(`denied: ${options.whyNot ?? 'nobody can answer here'}`);
      options.service.decide(view.id, options.actor, 'deny');
      return;
    }
    // One question at a time, in the order the calls asked.
    // The status line stays hidden while the question is open: its next frame would erase it.
    asking = asking.then(async () => {
      const resume = options.screen.pause();
      const answer = await ask(`allow ${view.label}? [y]es once, [a]ll this task, [N]o: `)
        .catch(() => '')
        .finally(resume);
      options.service.decide(view.id, options.actor, choiceOf(answer));
    });
  };
}

/** A question asked on the terminal (stdin a TTY), or undefined where there is none. */
export function terminalQuestion(): ((question: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
}

/**
 * Every button's custom id, built and parsed in one place: `kind:arg:arg`. Ids carry what the click
 * needs to find its target after a restart (a session id, a report id), never state to trust: each
 * handler checks who clicked and looks the target up again.
 */

/** The buttons the bot posts, and the arguments each carries. */
export type ButtonId =
  | { kind: 'stop'; sessionId: string }
  | { kind: 'vote'; reportId: string; delta: 1 | -1 }
  | { kind: 'skill'; reportId: string }
  | { kind: 'review'; skill: string; scope: string; version: number; decision: ReviewChoice }
  | { kind: 'approval'; approvalId: string; choice: 'once' | 'task' | 'deny' };

/** A review button's choice: `override` approves a skill that takes a global skill's name. */
export type ReviewChoice = 'approve' | 'override' | 'reject';

const MAX_LENGTH = 100;

/** The custom id of a button (at most 100 characters, Discord's limit). */
export function buttonId(id: ButtonId): string {
  const parts: string[] = [id.kind];
  switch (id.kind) {
    case 'stop':
      parts.push(id.sessionId);
      break;
    case 'vote':
      parts.push(id.reportId, id.delta === 1 ? 'up' : 'down');
      break;
    case 'skill':
      parts.push(id.reportId);
      break;
    case 'review':
      parts.push(id.decision, id.scope, String(id.version), id.skill);
      break;
    case 'approval':
      parts.push(id.approvalId, id.choice);
      break;
  }
  const text = parts.join(':');
  if (text.length > MAX_LENGTH)
    throw new RangeError(`button id too long (${text.length}): ${text.slice(0, 40)}…`);
  return text;
}

/** Parse a custom id; undefined for anything this bot did not build. */
export function parseButtonId(text: string): ButtonId | undefined {
  const [kind, ...args] = text.split(':');
  const [a, b, c] = args;
  switch (kind) {
    case 'stop':
      return a && args.length === 1 ? { kind, sessionId: a } : undefined;
    case 'vote':
      return a && (b === 'up' || b === 'down') && args.length === 2
        ? { kind, reportId: a, delta: b === 'up' ? 1 : -1 }
        : undefined;
    case 'skill':
      return a && args.length === 1 ? { kind, reportId: a } : undefined;
    case 'review': {
      // The skill name is last and may not contain ':' (names are kebab-case).
      const version = Number(c);
      const skill = args.slice(3).join(':');
      return (a === 'approve' || a === 'override' || a === 'reject') &&
        b &&
        Number.isInteger(version) &&
        version > 0 &&
        skill
        ? { kind, decision: a, scope: b, version, skill }
        : undefined;
    }
    case 'approval':
      return a && (b === 'once' || b === 'task' || b === 'deny') && args.length === 2
        ? { kind, approvalId: a, choice: b }
        : undefined;
    default:
      return undefined;
  }
}

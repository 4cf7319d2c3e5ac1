/**
 * What the skill library says while a task ends, sorted for the terminal: a skill saved (or found
 * unchanged) is one line of the task's output; "learned nothing" is routine and shown only with
 * LOG_LEVEL=debug; anything else is a note for the operator.
 */

export type LibraryNote =
  | { kind: 'skill'; name: string; outcome: 'added' | 'updated' | 'proposed' | 'unchanged'; scope: string }
  | { kind: 'routine'; text: string }
  | { kind: 'note'; text: string };

// The library's own wording (src/skills/records/skill-library.ts `learn`).
const SAVED = /^skill (\S+) (added|updated|proposed|unchanged) in scope (\S+)$/;
const ROUTINE = /^learned nothing from "/;

export function classifyLibraryNote(text: string): LibraryNote {
  const saved = SAVED.exec(text);
  if (saved) {
    const outcome = saved[2] as 'added' | 'updated' | 'proposed' | 'unchanged';
    return { kind: 'skill', name: saved[1] ?? '', outcome, scope: saved[3] ?? '' };
  }
  if (ROUTINE.test(text)) return { kind: 'routine', text };
  return { kind: 'note', text };
}

/** The one line shown for a skill the task produced. */
export function skillLine(note: Extract<LibraryNote, { kind: 'skill' }>): string {
  switch (note.outcome) {
    case 'added':
      return `learned skill ${note.name} (scope ${note.scope})`;
    case 'updated':
      return `updated skill ${note.name} (scope ${note.scope})`;
    case 'proposed':
      return `proposed skill ${note.name} (scope ${note.scope}): it waits for review (toolsmith skills review)`;
    case 'unchanged':
      return `skill ${note.name} is already in the library, unchanged`;
  }
}

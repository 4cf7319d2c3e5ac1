/** Saved sessions as lines for the terminal (`toolsmith sessions list`, chat's `/resume`). */
import type { SessionRow } from '../store/sessions-repo.ts';

export type SessionListing = Pick<
  SessionRow<unknown>,
  'id' | 'frontEnd' | 'status' | 'title' | 'owner' | 'updatedAt' | 'workspaceDir'
>;

/** `ID  status  updated  front end  title`, one line. */
export function formatSessionLine(session: SessionListing): string {
  const updated = session.updatedAt.replace('T', ' ').slice(0, 16);
  const title = session.title.length > 60 ? `${session.title.slice(0, 59)}…` : session.title;
  return `${session.id}  ${session.status.padEnd(11)}  ${updated}  ${session.frontEnd.padEnd(8)}  ${title}`;
}

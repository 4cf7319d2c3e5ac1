import { formatBytes } from '../text/format-numbers.ts';
import type { SandboxProcessInfo } from './types.ts';

/**
 * The sandbox worker processes in one line for `/status` and the terminal: how many, what they hold,
 * and those being recycled (a lost isolate or past the RSS cap). Empty when the sandboxes run inline.
 */
export function describeSandboxProcesses(processes: readonly SandboxProcessInfo[]): string {
  if (processes.length === 0) return '';
  const sandboxes = processes.reduce((sum, p) => sum + p.sandboxes, 0);
  const rss = processes.reduce((sum, p) => sum + p.rssBytes, 0);
  const tainted = processes.filter((p) => p.tainted).length;
  const recycling = processes.filter((p) => p.recycling).length;
  const ending = [
    tainted > 0 ? `${tainted} lost an isolate` : '',
    recycling > 0 ? `${recycling} past the RSS cap` : '',
  ].filter(Boolean);
  return (
    `${processes.length} sandbox process${processes.length === 1 ? '' : 'es'} (pid ${processes.map((p) => p.pid).join(', ')}) ` +
    `${processes.length === 1 ? 'holds' : 'hold'} ${sandboxes} sandbox${sandboxes === 1 ? '' : 'es'} in ${formatBytes(rss)} resident` +
    (ending.length > 0 ? `; ending once empty: ${ending.join(', ')}` : '')
  );
}

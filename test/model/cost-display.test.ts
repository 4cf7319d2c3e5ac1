/**
 * A cost of unknown price is shown as unknown, never as $0: the Discord progress view, the
 * terminal's summary line and `/cost` line, fed the agent's own events.
 */
import { describe, expect, it } from 'vitest';
import { SessionSnapshotSchema } from '../../src/agent/session-snapshot.ts';
import type { TaskReport } from '../../src/agent/types.ts';
import { createPaint } from '../../src/cli/print.ts';
import { createTerminalRenderer, formatCost } from '../../src/cli/render-events.ts';
import { createScreen } from '../../src/cli/screen.ts';
import { applyEvent, initialProgress, renderProgress } from '../../src/discord/progress-view.ts';
import type { Usage } from '../../src/model/types.ts';

const priced: Usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };
const unpriced: Usage = { ...priced, unpricedTokens: 1100 };

const head = (usage: Usage, costUsd: number) =>
  renderProgress(applyEvent(initialProgress(0, 12), { type: 'usage', step: 1, usage, costUsd }), 0).split(
    '\n',
  )[0];

describe('cost display', () => {
  it('the Discord progress view says "cost unknown", or the known part + unknown', () => {
    expect(head(unpriced, 0)).toContain('· cost unknown');
    expect(head(unpriced, 0)).not.toContain('$');
    expect(head({ ...unpriced, unpricedTokens: 500 }, 0.0042)).toContain('· $0.004 + unknown');
    expect(head(priced, 0.0042)).toMatch(/· \$0\.004$/);
  });

  it('the terminal prints "cost unknown" in its summary and /cost line', () => {
    let out = '';
    const screen = createScreen({
      stream: { write: (text: string) => (out += text), isTTY: false, columns: 80 },
    });
    const renderer = createTerminalRenderer({ screen, paint: createPaint(() => false), debug: false });
    const report = {
      ok: true,
      answer: '2',
      task: 'add',
      stopReason: 'answered',
      steps: 1,
      usage: unpriced,
      costUsd: 0,
      durationMs: 1000,
      runs: [],
      resultCode: '',
      files: [],
      skillsOffered: [],
      skillsUsed: [],
    } satisfies TaskReport;
    renderer.summary(report);
    expect(out).toContain('1,100 tokens · cost unknown');
    expect(out).not.toContain('$0.0000');
    expect(formatCost(unpriced, 0)).toBe('1,000 in, 100 out, 0 cache read, 0 cache write: cost unknown');
    expect(formatCost(priced, 0.5)).toBe('1,000 in, 100 out, 0 cache read, 0 cache write: $0.5000');
  });

  it('a saved session keeps that part of its cost is unknown', () => {
    const snapshot = {
      id: 's1',
      scope: { scope: 'local', author: 'me' },
      workspaceDir: '/tmp/w',
      messages: [],
      usage: { ...unpriced, estimatedTokens: 100 },
      costUsd: 0,
      skills: [],
    };
    const parsed = SessionSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
    expect(parsed.usage).toEqual({ ...unpriced, estimatedTokens: 100 });
  });
});

/**
 * One output budget: SANDBOX_MAX_OUTPUT_CHARS (the sandbox's maxOutputChars) is what the model sees
 * of one run, logs, value and error together, cut by one clip helper on the host and in the isolate.
 */
import { describe, expect, it } from 'vitest';
import { formatObservation } from '../../src/agent/observation.ts';
import { renderRunResult } from '../../src/sandbox/render-result.ts';
import type { RunResult } from '../../src/sandbox/types.ts';
import { clip } from '../../src/text/clip.ts';
import { useSandboxes } from './helpers.ts';

const sandbox = useSandboxes();

describe('clip', () => {
  it('keeps head and tail within the budget, the note included', () => {
    for (const [length, max] of [
      [100, 100],
      [101, 100],
      [1_000_000, 1000],
      [123_456, 80],
      [20_001, 20_000],
    ] as const) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const short = clip(text, max);
      expect(short.text.length).toBeLessThanOrEqual(max);
      if (length <= max) {
        expect(short).toEqual({ text, cut: 0 });
        continue;
      }
      const [head, tail] = short.text.split(/\n… \[[\d,]+ characters cut\] …\n/);
      expect(text.startsWith(head ?? '?')).toBe(true);
      expect(text.endsWith(tail ?? '?')).toBe(true);
      expect((head?.length ?? 0) + (tail?.length ?? 0) + short.cut).toBe(length);
      expect(short.text).toContain(`[${short.cut.toLocaleString('en-US')} characters cut]`);
    }
  });
});

describe('what the model sees', () => {
  const big = (n: number, c: string) => c.repeat(n);
  const result = (over: Partial<RunResult>): RunResult => ({ ok: true, logs: [], durationMs: 1, ...over });

  it('is the configured budget, not a hard-coded 8k', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 20_000 } });
    const run = await sb.run('for (let i = 0; i < 3000; i++) console.log("line " + i);');
    const text = formatObservation(run, '', sb.limits.maxOutputChars);
    // 3000 lines are ~26k characters: the model sees 20 000 of them, head and tail.
    expect(text.length).toBeGreaterThan(15_000);
    expect(text.length).toBeLessThanOrEqual(20_000);
    expect(text.startsWith('line 0\n')).toBe(true);
    expect(text.endsWith('line 2999')).toBe(true);
    const small = formatObservation(run, '', 2_000);
    expect(small.length).toBeLessThanOrEqual(2_000);
  });

  it('keeps logs, value and error together within the budget, the error first', () => {
    const failed = result({
      ok: false,
      logs: [{ level: 'log', text: big(50_000, 'l') }],
      value: big(50_000, 'v'),
      error: { name: 'TypeError', message: 'x is not a function', line: 1, column: 1 },
    });
    const text = formatObservation(failed, 'x()', 4_000);
    expect(text.length).toBeLessThanOrEqual(4_000);
    expect(text).toContain('TypeError: x is not a function\n  at line 1, column 1:\n1 | x()\n    ^');
    expect(text).toMatch(/^\(the code failed; fix it and run again\)\nl+\n… \[/);
    expect(text).toMatch(/=> v+\n… \[[\d,]+ characters cut\] …\nv+\nTypeError/);
  });

  it('gives the value the room the logs do not use', () => {
    const text = renderRunResult(
      result({ logs: [{ level: 'log', text: 'hi' }], value: big(900, 'v') }),
      '',
      1000,
    );
    expect(text).toBe(`hi\n=> ${big(900, 'v')}`);
  });

  it('is cut inside the isolate by the same helper as on the host', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 1_000 } });
    const line = `<${big(100_000, 'x')}${big(100_000, 'y')}>`;
    const run = await sb.run(`console.log(${JSON.stringify(line)})`);
    expect(run.logs[0]?.text).toBe(clip(line, 500).text);
  });
});

/**
 * The sandbox's console and values read exactly as plain Node's: every snippet runs in the sandbox
 * and in a child `node` process (process.execPath, the same Node 24) with a real console, and the
 * logs (stream and text) and the rendered value must be identical.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SNIPPETS } from './fidelity-snippets.ts';
import { useSandboxes } from './helpers.ts';

interface Outcome {
  ok: boolean;
  logs: { stream: 'out' | 'err'; text: string }[];
  value?: string;
}

const sandbox = useSandboxes();
const names = Object.keys(SNIPPETS);
const reference = new Map<string, Outcome>();

beforeAll(() => {
  const runner = fileURLToPath(new URL('./node-reference.ts', import.meta.url));
  const output = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', runner], {
    input: JSON.stringify(Object.values(SNIPPETS)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const outcomes: Outcome[] = JSON.parse(output);
  for (const [index, name] of names.entries()) {
    const outcome = outcomes[index];
    if (outcome) reference.set(name, outcome);
  }
});

describe('fidelity with plain Node', () => {
  it('has a broad set of snippets', () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  it.each(names)('%s', async (name) => {
    const expected = reference.get(name);
    expect(expected?.ok, `the snippet fails in plain Node too: ${JSON.stringify(expected)}`).toBe(true);
    const sb = sandbox({ limits: { maxOutputChars: 1_000_000 } });
    const result = await sb.run(SNIPPETS[name] ?? '');
    expect(result.error).toBeUndefined();
    const logs = result.logs.map((entry) => ({
      stream: entry.level === 'warn' || entry.level === 'error' ? 'err' : 'out',
      text: entry.text,
    }));
    expect(logs).toEqual(expected?.logs);
    expect(result.value).toEqual(expected?.value);
  });
});

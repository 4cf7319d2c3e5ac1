/**
 * The worker reads its parent's messages by hand (no zod in a worker process): it must accept and
 * return exactly what `ParentMessageSchema` accepts and returns, and refuse what it refuses.
 */
import { describe, expect, it } from 'vitest';
import { readParentMessage } from '../../src/sandbox/process/parent-message.ts';
import { ParentMessageSchema } from '../../src/sandbox/process/worker-protocol.ts';

const limits = { memoryMb: 64, timeoutMs: 5000, wallMs: 30_000, maxOutputChars: 20_000, maxPendingCalls: 64 };
const descriptor = {
  namespace: 'tools',
  bindings: ['workspace.read', 'chart.render'],
  prelude: { href: 'toolsmith:tools', data: { servers: { chart: 'connected' } }, globals: ['tools'] },
};
const run = {
  type: 'run',
  sandboxId: 3,
  runId: 7,
  code: 'return 6 * 7',
  limits,
  runLimits: { timeoutMs: 0 },
  providers: [
    { key: 'tools:1', descriptor },
    { key: 'skills:2', descriptor: { namespace: 'skills', bindings: [] } },
  ],
  streamLogs: true,
  aborted: false,
};

const valid: Record<string, unknown>[] = [
  run,
  { ...run, runLimits: {}, providers: [] },
  { ...run, runLimits: { timeoutMs: 100, wallMs: 200 } },
  { ...run, providers: [{ key: 'k', descriptor: { ...descriptor, prelude: { href: 'x' } } }] },
  { ...run, providers: [{ key: 'k', descriptor: { ...descriptor, prelude: { href: 'x', data: null } } }] },
  { ...run, extra: 'dropped', limits: { ...limits, extra: 1 } },
  { type: 'abort', runId: 0 },
  { type: 'dispose', sandboxId: 12 },
  { type: 'call-result', callId: 4, ok: true, json: '{"a":1}' },
  { type: 'call-result', callId: 4, ok: false },
  { type: 'evaluate', callId: 1, requestId: 2, code: 'export default 1', filename: 'lib.js' },
  { type: 'pause', callId: 1, pauseId: 9 },
  { type: 'resume', pauseId: 9 },
  { type: 'shutdown' },
];

const invalid: unknown[] = [
  null,
  'run',
  [run],
  {},
  { type: 'nope' },
  { ...run, sandboxId: -1 },
  { ...run, runId: 1.5 },
  { ...run, runId: Number.MAX_SAFE_INTEGER + 2 },
  { ...run, code: 42 },
  { ...run, limits: { ...limits, memoryMb: 0 } },
  { ...run, limits: { ...limits, wallMs: Number.POSITIVE_INFINITY } },
  { ...run, limits: { ...limits, timeoutMs: Number.NaN } },
  { ...run, limits: { ...limits, maxPendingCalls: undefined } },
  { ...run, runLimits: undefined },
  { ...run, runLimits: { timeoutMs: '1' } },
  { ...run, providers: undefined },
  { ...run, providers: [null] },
  { ...run, providers: [{ descriptor }] },
  { ...run, providers: [{ key: 'k', descriptor: { ...descriptor, bindings: [1] } }] },
  { ...run, providers: [{ key: 'k', descriptor: { ...descriptor, namespace: undefined } }] },
  { ...run, providers: [{ key: 'k', descriptor: { ...descriptor, prelude: { data: 1 } } }] },
  {
    ...run,
    providers: [{ key: 'k', descriptor: { ...descriptor, prelude: { href: 'x', globals: 'tools' } } }],
  },
  { ...run, streamLogs: 'yes' },
  { ...run, aborted: undefined },
  { type: 'abort' },
  { type: 'dispose', sandboxId: '1' },
  { type: 'call-result', callId: 4, ok: 'true' },
  { type: 'call-result', callId: 4, ok: true, json: 5 },
  { type: 'evaluate', callId: 1, requestId: 2, code: 'x' },
  { type: 'pause', pauseId: 9 },
  { type: 'resume', pauseId: -3 },
];

describe('readParentMessage', () => {
  it('accepts what the schema accepts, with the same fields', () => {
    for (const message of valid) {
      const schema = ParentMessageSchema.safeParse(message);
      expect(schema.success, JSON.stringify(message)).toBe(true);
      expect(readParentMessage(message)).toStrictEqual(JSON.parse(JSON.stringify(schema.data)));
    }
  });

  it('refuses what the schema refuses', () => {
    for (const message of invalid) {
      expect(ParentMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(false);
      expect(readParentMessage(message), JSON.stringify(message)).toBeUndefined();
    }
  });
});

/**
 * Every limit ends the run with ok:false and an error naming the limit and its value (output is cut
 * instead: head and tail with a note). What survives a limit, abort, reset and dispose.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { hangingProbe, hostProviders, overlapProbe, useSandboxes } from './helpers.ts';

const TEST_PRELUDE = new URL('./fixtures/test-prelude.ts', import.meta.url);

const sandbox = useSandboxes();

describe('limits', () => {
  it('memory: a heap bomb ends the run and the next run starts on a fresh isolate', async () => {
    const sb = sandbox({
      limits: { memoryMb: 16 },
      providers: [
        ...hostProviders({ ping: () => 'pong' }),
        {
          namespace: 'flags',
          bindings: {},
          prelude: { file: TEST_PRELUDE, data: { globals: { ready: true } }, globals: ['ready'] },
        },
      ],
    });
    await sb.run('const before = "set"');
    const result = await sb.run('const hoard = []; while (true) hoard.push(new Array(100_000).fill(7));');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ name: 'RangeError', limit: 'memory' });
    expect(result.error?.message).toMatch(
      /Memory limit of 16 MB exceeded.*variables from earlier runs are gone/,
    );
    const next = await sb.run('[typeof before, typeof hoard, ready, await ping()]');
    expect(next).toMatchObject({
      ok: true,
      stateReset: true,
      data: ['undefined', 'undefined', true, 'pong'],
    });
    expect((await sb.run('1')).stateReset).toBeUndefined();
    expect(sb.stats().resets).toBe(1);
  });

  it('cpu: a busy loop is stopped and the variables are kept', async () => {
    const sb = sandbox({ limits: { timeoutMs: 200 } });
    await sb.run('let kept = "yes"');
    for (const code of [
      'while (true) {}',
      'await null; for (;;) {}',
      'setTimeout(() => { while (true) {} }, 1); await sleep(5_000)',
    ]) {
      const result = await sb.run(code);
      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ name: 'TimeoutError', limit: 'cpu' });
      expect(result.error?.message).toMatch(
        /CPU time limit of 200 ms exceeded.*variables from earlier runs are kept/,
      );
    }
    expect(await sb.run('kept')).toMatchObject({ ok: true, data: 'yes' });
    expect(sb.stats().resets).toBe(0);
  });

  it('cpu: a per-run override applies to that run only', async () => {
    const sb = sandbox({ limits: { timeoutMs: 5_000 } });
    const result = await sb.run('while (true) {}', { limits: { timeoutMs: 50 } });
    expect(result.error?.message).toMatch(/CPU time limit of 50 ms/);
    expect((await sb.run('let n = 0; for (let i = 0; i < 1e6; i++) n += i; n')).ok).toBe(true);
  });

  it('wall: an awaited host call that hangs ends the run, aborts the call, and keeps the state', async () => {
    const hang = hangingProbe();
    const sb = sandbox({ limits: { wallMs: 300 }, providers: hostProviders({ 'tools.web.fetch': hang.fn }) });
    await sb.run('const kept = 1');
    const result = await sb.run('await tools.web.fetch({ url: "https://example.com" })');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ name: 'TimeoutError', limit: 'wall' });
    expect(result.error?.message).toBe(
      'Wall-clock limit of 300 ms exceeded (still waiting for tools.web.fetch)',
    );
    expect(hang.signals[0]?.aborted).toBe(true);
    expect(await sb.run('kept')).toMatchObject({ ok: true, data: 1 });
  });

  it('wall: a promise that never settles ends the run', async () => {
    const sb = sandbox({ limits: { wallMs: 200 } });
    const result = await sb.run('await new Promise(() => {})');
    expect(result.error).toMatchObject({ limit: 'wall' });
    expect(result.error?.message).toMatch(
      /Wall-clock limit of 200 ms exceeded \(still waiting for a promise that never settled\)/,
    );
  });

  it('wall: code still running when the wall clock runs out costs the state', async () => {
    const sb = sandbox({ limits: { wallMs: 200, timeoutMs: 10_000 } });
    await sb.run('const lost = 1');
    const result = await sb.run('while (true) {}');
    expect(result.error).toMatchObject({ limit: 'wall' });
    expect(result.error?.message).toMatch(/the code was still running.*variables from earlier runs are gone/);
    expect(await sb.run('typeof lost')).toMatchObject({ stateReset: true, data: 'undefined' });
  });

  it('output: keeps the head and the latest tail with a note of what was cut', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 400 } });
    const result = await sb.run('for (let i = 0; i < 5_000; i++) console.log("line " + i); "done"');
    expect(result).toMatchObject({ ok: true, truncated: true, data: 'done' });
    const texts = result.logs.map((entry) => entry.text);
    expect(texts[0]).toBe('line 0');
    expect(texts.at(-1)).toBe('line 4999');
    const note = result.logs.find((entry) => /characters of output cut/.test(entry.text));
    expect(note).toMatchObject({ level: 'warn' });
    const kept = texts.filter((text) => text !== note?.text).join('');
    const total = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('').length;
    expect(note?.text).toBe(
      `… [${(total - kept.length).toLocaleString('en-US')} characters of output cut] …`,
    );
    expect(kept.length).toBeLessThanOrEqual(400);
  });

  it('output: a single huge line shows its beginning and its end', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 1_000 } });
    const result = await sb.run('console.log("<" + "x".repeat(1_000_000) + ">")');
    expect(result.truncated).toBe(true);
    const text = result.logs.map((entry) => entry.text).join('\n');
    expect(text.startsWith('<xxx')).toBe(true);
    expect(text.endsWith('xxx>')).toBe(true);
    expect(text).toMatch(/characters cut/);
    expect(text.length).toBeLessThan(1_200);
  });

  it('output: a huge value keeps its head and tail', async () => {
    const sb = sandbox({ limits: { maxOutputChars: 200 } });
    const result = await sb.run('Array.from({ length: 1000 }, (_, i) => i)');
    expect(result.truncated).toBe(true);
    expect(result.value?.startsWith('[\n   0,  1,  2,')).toBe(true);
    expect(result.value?.endsWith('... 900 more items\n]')).toBe(true);
    expect(result.value).toMatch(/characters cut/);
    expect(result.data).toHaveLength(1000);
  });

  it('pending calls: too many at once ends the run before the host is flooded', async () => {
    const probe = overlapProbe(20);
    const sb = sandbox({ limits: { maxPendingCalls: 5 }, providers: hostProviders({ work: probe.fn }) });
    const result = await sb.run('await Promise.all(Array.from({ length: 50 }, (_, i) => work(i)))');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ name: 'RangeError', limit: 'pending-calls' });
    expect(result.error?.message).toBe(
      'Too many host calls pending at once (limit 5); await them in smaller batches',
    );
    expect(probe.calls.length).toBeLessThanOrEqual(5);
    const fine = await sb.run('await Promise.all([1, 2, 3, 4, 5].map((i) => work(i)))');
    expect(fine).toMatchObject({ ok: true, data: [1, 2, 3, 4, 5] });
  });

  it('refuses limits that are not positive numbers', () => {
    expect(() => sandbox({ limits: { memoryMb: 0 } })).toThrow(UsageError);
    expect(() => sandbox({ limits: { wallMs: Number.NaN } })).toThrow(/wallMs must be a positive number/);
  });
});

describe('abort, reset, dispose, stats', () => {
  it('an AbortSignal stops a waiting run and keeps the state', async () => {
    const hang = hangingProbe();
    const sb = sandbox({ providers: hostProviders({ hang: hang.fn }) });
    await sb.run('const kept = "k"');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sb.run('await hang()', { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { name: 'AbortError', limit: 'aborted' } });
    expect(result.error?.message).toBe('The run was stopped (still waiting for hang)');
    expect(hang.signals[0]?.aborted).toBe(true);
    expect(await sb.run('kept')).toMatchObject({ data: 'k' });
  });

  it('an AbortSignal stops a busy run by resetting the sandbox; an aborted signal stops at once', async () => {
    const sb = sandbox();
    await sb.run('const lost = 1');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const busy = await sb.run('while (true) {}', { signal: controller.signal });
    expect(busy.error?.message).toMatch(
      /^The run was stopped \(the code was still running\); the sandbox was reset/,
    );
    expect(await sb.run('typeof lost')).toMatchObject({ stateReset: true, data: 'undefined' });
    const early = await sb.run('globalThis.ran = true; console.log("never")', {
      signal: AbortSignal.abort(),
    });
    expect(early).toMatchObject({ ok: false, logs: [], error: { limit: 'aborted' } });
    expect((await sb.run('typeof ran')).data).toBe('undefined');
  });

  it('reset() throws the state away without flagging the next run', async () => {
    const sb = sandbox();
    await sb.run('const gone = 1');
    await sb.reset();
    const next = await sb.run('typeof gone');
    expect(next).toMatchObject({ ok: true, data: 'undefined' });
    expect(next.stateReset).toBeUndefined();
    expect(sb.stats().resets).toBe(1);
  });

  it('dispose() ends a run in progress, and then every method refuses', async () => {
    const hang = hangingProbe();
    const sb = sandbox({ providers: hostProviders({ hang: hang.fn }) });
    const running = sb.run('await hang()');
    setTimeout(() => sb.dispose(), 30);
    const result = await running;
    expect(result.error).toMatchObject({
      limit: 'aborted',
      message: 'The sandbox was disposed during the run',
    });
    expect(sb.disposed).toBe(true);
    expect(() => sb.run('1')).toThrow(UsageError);
    expect(() => sb.run('1')).toThrow('run() on a disposed sandbox');
    await expect(sb.reset()).rejects.toThrow(UsageError);
    expect(() => sb.dispose()).not.toThrow();
  });

  it('runs queue one after another on one session', async () => {
    const sb = sandbox();
    const results = await Promise.all([
      sb.run('let n = 1; await sleep(30); n'),
      sb.run('n = 2; n'),
      sb.run('n + 1'),
    ]);
    expect(results.map((result) => result.data)).toEqual([1, 2, 3]);
  });

  it('stats() counts runs, CPU time (also of disposed isolates), heap and resets', async () => {
    const sb = sandbox({ limits: { memoryMb: 16 } });
    expect(sb.stats()).toEqual({ runs: 0, cpuTimeMs: 0, heapUsedBytes: 0, resets: 0 });
    await sb.run('let x = 0; for (let i = 0; i < 3e6; i++) x += i;');
    const busy = sb.stats();
    expect(busy.runs).toBe(1);
    expect(busy.cpuTimeMs).toBeGreaterThan(0);
    expect(busy.heapUsedBytes).toBeGreaterThan(0);
    await sb.run('const a = []; while (true) a.push(new Array(1e5).fill(1));');
    const after = sb.stats();
    expect(after.resets).toBe(1);
    expect(after.cpuTimeMs).toBeGreaterThanOrEqual(busy.cpuTimeMs);
    expect(after.heapUsedBytes).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/service/permissions.ts';
import { checkProfiles } from '../../src/service/profiles.ts';
import type { Actor, MessageOutcome, SendResult, TaskEvent } from '../../src/service/types.ts';
import { createServiceHarness, member, type ServiceHarness } from './service-harness.ts';

let h: ServiceHarness;
afterEach(async () => {
  await h?.close();
});

const accepted = (result: SendResult) => {
  if (!result.accepted) throw new Error(`not accepted: ${JSON.stringify(result)}`);
  return result;
};

const open = (id: string, actor = member('ana')) =>
  h.service.open({ id, actor, title: id, frontEnd: 'discord', channelId: id });

describe('one queue per session', () => {
  it('runs a session’s messages one at a time, in order; the second says it waits', async () => {
    h = await createServiceHarness();
    await open('s1');
    const first = accepted(await h.service.send('s1', { actor: member('ana'), text: 'one' }));
    const second = accepted(await h.service.send('s1', { actor: member('ana'), text: 'two' }));
    expect(first.waits).toBe(false);
    expect(second.waits).toBe(true);
    await h.waitFor(() => h.running.length === 1);
    expect(h.running.map((held) => held.text)).toEqual(['one']);
    h.running[0]?.finish();
    await h.waitFor(() => h.running[0]?.text === 'two');
    h.running[0]?.finish();
    const outcomes = await Promise.all([first.done, second.done]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    expect(h.audit.list('s1').map((e) => e.kind)).toEqual([
      'task',
      'message',
      'outcome',
      'message',
      'outcome',
    ]);
  });

  it('a message to a thread that is not a task is unknown; a closed service refuses with a sentence', async () => {
    h = await createServiceHarness();
    expect(await h.service.send('nope', { actor: member('ana'), text: 'hi' })).toEqual({
      accepted: false,
      reason: 'unknown',
    });
    await open('s1');
    await h.service.shutdown();
    const refused = await h.service.send('s1', { actor: member('ana'), text: 'hi' });
    expect(refused).toMatchObject({
      accepted: false,
      reason: 'refused',
      refusal: expect.stringMatching(/restarting/),
    });
  });
});

describe('fair slots between servers', () => {
  it('serves a second server’s task before the first server’s backlog, and says the queue position', async () => {
    h = await createServiceHarness({ MAX_CONCURRENT_TASKS: '1', MAX_CONCURRENT_PER_SERVER: '1' });
    const heavy = member('hugo', 'heavy');
    const light = member('lea', 'light');
    const dones: Promise<MessageOutcome>[] = [];
    for (const id of ['h1', 'h2', 'h3']) {
      await open(id, heavy);
      dones.push(accepted(await h.service.send(id, { actor: heavy, text: id })).done);
    }
    await open('l1', light);
    const turns: (number | undefined)[] = [];
    const events: TaskEvent[] = [];
    dones.push(
      accepted(
        await h.service.send(
          'l1',
          { actor: light, text: 'l1' },
          { onTurn: ({ queuedAt }) => void turns.push(queuedAt), onEvent: (event) => events.push(event) },
        ),
      ).done,
    );
    await h.waitFor(() => turns.length === 1);
    // h1 runs; h2 and h3 wait; the light team's task is next after h2's turn, not after h3.
    expect(turns).toEqual([2]);
    const order: string[] = [];
    while (order.length < 4) {
      await h.waitFor(() => h.running.length === 1);
      const held = h.running[0];
      order.push(held?.text ?? '');
      held?.finish();
      await h.waitFor(() => h.running[0] !== held);
    }
    expect(order).toEqual(['h1', 'h2', 'l1', 'h3']);
    expect(
      events.filter((e) => e.type === 'queued').map((e) => (e.type === 'queued' ? e.position : 0)),
    ).toEqual([2, 1]);
    expect(events.some((e) => e.type === 'running')).toBe(true);
    await Promise.all(dones);
    expect(h.service.status()).toMatchObject({ running: 0, queued: 0, servers: [] });
  });
});

describe('stop', () => {
  it('lets the owner or an admin stop, refuses others, and cancels a queued message before it starts', async () => {
    h = await createServiceHarness({ MAX_CONCURRENT_TASKS: '1', ADMIN_ROLE: 'admins' });
    await open('s1');
    await open('s2', member('bo'));
    const running = accepted(await h.service.send('s1', { actor: member('ana'), text: 'long' }));
    const queued = accepted(await h.service.send('s2', { actor: member('bo'), text: 'waits' }));
    await h.waitFor(() => h.running.length === 1);
    expect(h.service.stop('s1', member('mallory'))).toBe('not-allowed');
    expect(h.service.stop('s2', member('bo'))).toBe('stopped');
    expect(await queued.done).toEqual({ status: 'cancelled' });
    expect(h.service.stop('s1', member('root', 'g1', { roleIds: ['admins'] }))).toBe('stopped');
    const outcome = await running.done;
    expect(outcome.status === 'done' && outcome.report.stopReason).toBe('aborted');
    expect(h.service.stop('s1', member('ana'))).toBe('idle');
    expect(h.service.stop('nope', member('ana'))).toBe('unknown');
  });
});

describe('admission', () => {
  it('counts follow-ups in the rate limit, not only new tasks', async () => {
    h = await createServiceHarness({ RATE_LIMIT_PER_MINUTE: '2' });
    expect(h.service.admit(member('ana'))).toBeUndefined();
    const request = { id: 's1', actor: member('ana'), title: 't', frontEnd: 'discord' as const };
    await h.service.start(request, { text: 'one' });
    accepted(await h.service.send('s1', { actor: member('ana'), text: 'two' }));
    const third = await h.service.send('s1', { actor: member('ana'), text: 'three' });
    expect(third).toMatchObject({
      reason: 'refused',
      refusal: expect.stringMatching(/2 messages .* a minute/),
    });
    expect(h.service.admit(member('ana'))).toMatch(/Try again in 60 s/);
    // Another member, and the operator at the terminal, are not affected.
    expect(h.service.admit(member('bo'))).toBeUndefined();
    expect(h.service.admit(operatorActor('me'))).toBeUndefined();
    h.clock.now += 60_000;
    expect(h.service.admit(member('ana'))).toBeUndefined();
  });

  it('refuses a member outside the allowlists on every entry point, and audits the refusal', async () => {
    h = await createServiceHarness({ ALLOWED_USERS: 'ana' });
    await open('s1');
    const outsider = member('eve');
    expect(h.service.admit(outsider)).toMatch(/not on the list/);
    expect(h.service.access(outsider)).toMatch(/not on the list/);
    const sent = await h.service.send('s1', { actor: outsider, text: 'let me in' });
    expect(sent).toMatchObject({ accepted: false, reason: 'refused' });
    expect(h.running).toHaveLength(0);
    expect(h.audit.list('s1').filter((e) => e.kind === 'refused')).toHaveLength(1);
  });
});

describe('session lifecycle', () => {
  it('releases an idle session’s sandbox and restores it on the next message, telling the agent why', async () => {
    h = await createServiceHarness({ SESSION_IDLE_MINUTES: '1' });
    await open('s1');
    const first = accepted(await h.service.send('s1', { actor: member('ana'), text: 'one' }));
    await h.waitFor(() => h.running.length === 1);
    h.running[0]?.finish();
    await first.done;
    expect(h.service.status().liveSessions).toBe(1);
    expect(h.service.status().sandboxHeapBytes).toBeGreaterThan(0);
    h.clock.now += 61_000;
    await h.waitFor(() => h.service.status().liveSessions === 0);
    expect(h.disposed).toEqual(['s1']);
    const again = accepted(await h.service.send('s1', { actor: member('ana'), text: 'two' }));
    await h.waitFor(() => h.running.length === 1);
    expect(h.opened).toEqual([
      { id: 's1', restoredBecause: undefined },
      { id: 's1', restoredBecause: 'released' },
    ]);
    h.running[0]?.finish();
    expect((await again.done).status).toBe('done');
  });

  it('caps the live sessions, releasing the least recently used idle one, never a busy one', async () => {
    h = await createServiceHarness({ SESSION_MAX_LIVE: '2' });
    await open('a');
    await open('b');
    const busy = accepted(await h.service.send('a', { actor: member('ana'), text: 'work' }));
    await h.waitFor(() => h.running.length === 1);
    await open('c');
    // `a` is older but busy: `b` goes.
    expect(h.disposed).toEqual(['b']);
    expect(h.service.status().liveSessions).toBe(2);
    h.running[0]?.finish();
    await busy.done;
  });

  it('restores a session after a restart from the store, and a report is found by id afterwards', async () => {
    h = await createServiceHarness();
    await open('s1');
    const sent = accepted(await h.service.send('s1', { actor: member('ana'), text: 'one' }));
    await h.waitFor(() => h.running.length === 1);
    h.running[0]?.finish({ skillsUsed: ['parse-csv'] });
    const outcome = await sent.done;
    if (outcome.status !== 'done') throw new Error(outcome.status);
    await h.restart();
    expect(h.service.report(outcome.reportId)).toMatchObject({ sessionId: 's1', skillsUsed: ['parse-csv'] });
    expect(h.service.has('s1')).toBe(true);
    accepted(await h.service.send('s1', { actor: member('ana'), text: 'two' }));
    await h.waitFor(() => h.running.length === 1);
    expect(h.opened.at(-1)).toEqual({ id: 's1', restoredBecause: 'restart' });
  });
});

describe('votes', () => {
  it('counts one vote per member per answer, refuses members outside the allowlist', async () => {
    const counted: string[] = [];
    h = await createServiceHarness(
      { ALLOWED_ROLES: 'team' },
      { skillVotes: { vote: async (v) => void counted.push(`${v.skill}@${v.scope}:${v.delta}`) } },
    );
    const ana = member('ana', 'g1', { roleIds: ['team'] });
    await open('s1', ana);
    const sent = accepted(await h.service.send('s1', { actor: ana, text: 'one' }));
    await h.waitFor(() => h.running.length === 1);
    h.running[0]?.finish({ skillsUsed: ['parse-csv'], skillLearned: 'sum-by' });
    const outcome = await sent.done;
    if (outcome.status !== 'done') throw new Error(outcome.status);
    const id = outcome.reportId;
    expect(await h.service.vote(id, ana, 1)).toEqual({ status: 'counted', skills: ['sum-by', 'parse-csv'] });
    for (let i = 0; i < 25; i++) expect((await h.service.vote(id, ana, 1)).status).toBe('already-voted');
    expect((await h.service.vote(id, member('eve'), 1)).status).toBe('refused');
    expect((await h.service.vote('no-such-answer', ana, 1)).status).toBe('unknown');
    expect(counted).toEqual(['sum-by@g1:1', 'parse-csv@g1:1']);
  });
});

describe('audit', () => {
  it('keeps the first 200 tool rows of a message and summarises a flood past them', async () => {
    h = await createServiceHarness();
    await open('s1');
    const sent = accepted(await h.service.send('s1', { actor: member('ana'), text: 'flood' }));
    await h.waitFor(() => h.running.length === 1);
    const held = h.running[0];
    for (let i = 0; i < 5000; i++) {
      held?.emit({
        type: 'tool-call',
        step: 1,
        call: {
          phase: 'end',
          callId: String(i),
          server: 'workspace',
          tool: 'stat',
          argsChars: 2,
          ok: i % 2 === 0,
        },
      });
    }
    held?.finish();
    await sent.done;
    const tools = h.audit.list('s1').filter((e) => e.kind === 'tool');
    expect(tools).toHaveLength(201);
    expect(tools.at(-1)?.data).toMatchObject({
      summary: true,
      calls: 4800,
      byTool: { 'workspace.stat': { calls: 4800, failed: 2400 } },
    });
  });
});

describe('quotas', () => {
  const finishOne = async (id: string, actor = member('ana')) => {
    const sent = accepted(await h.service.send(id, { actor, text: 'work' }));
    await h.waitFor(() => h.running.length === 1);
    h.running[0]?.finish({ costUsd: 0.001 });
    return sent.done;
  };

  it('stops a member over the daily quota, follow-ups included, says when it resets, and resets', async () => {
    h = await createServiceHarness({ QUOTA_MEMBER_DAILY_USD: '0.0015', RATE_LIMIT_PER_MINUTE: '100' });
    h.clock.now = Date.now();
    await open('s1');
    await finishOne('s1');
    await finishOne('s1');
    const refused = await h.service.send('s1', { actor: member('ana'), text: 'one more' });
    expect(refused).toMatchObject({
      reason: 'refused',
      refusal: expect.stringMatching(
        /^You have used your daily quota \(\$0\.00 of \$0\.00\)\. It resets at \d{4}-\d\d-\d\d 00:00 UTC\.$/,
      ),
    });
    expect(h.service.admit(member('ana'))).toMatch(/daily quota/);
    // Another member still may; so may the operator.
    expect(h.service.admit(member('bo'))).toBeUndefined();
    expect(h.service.admit(operatorActor('me'))).toBeUndefined();
    expect(h.service.usage(member('ana')).member).toMatchObject({ todayUsd: 0.002, dailyLimitUsd: 0.0015 });
    h.clock.now += 86_400_000;
    expect(h.service.admit(member('ana'))).toBeUndefined();
  });

  it('a role raises a member’s quota; admins are exempt only when configured; the server has its own', async () => {
    h = await createServiceHarness({
      QUOTA_MEMBER_DAILY_USD: '0.0005',
      QUOTA_ROLES: 'big=1/10',
      QUOTA_SERVER_MONTHLY_USD: '0.0025',
      ADMIN_ROLE: 'admins',
      RATE_LIMIT_PER_MINUTE: '100',
    });
    h.clock.now = Date.now();
    await open('s1', member('ana', 'g1', { roleIds: ['big'] }));
    await finishOne('s1', member('ana', 'g1', { roleIds: ['big'] }));
    await finishOne('s1', member('ana', 'g1', { roleIds: ['big'] }));
    expect(h.service.admit(member('ana', 'g1', { roleIds: ['big'] }))).toBeUndefined();
    expect(h.service.admit(member('admin', 'g1', { roleIds: ['admins'] }))).toBeUndefined();
    await finishOne('s1', member('ana', 'g1', { roleIds: ['big'] }));
    expect(h.service.admit(member('ana', 'g1', { roleIds: ['big'] }))).toMatch(
      /This server has used its monthly quota/,
    );
    expect(h.service.admit(member('admin', 'g1', { roleIds: ['admins'] }))).toMatch(/monthly quota/);
    // Another server is not held to this one's quota.
    expect(h.service.admit(member('zed', 'g2', { roleIds: ['big'] }))).toBeUndefined();
  });

  it('counts tokens of a model with no known price, so a local model cannot spend past the quota', async () => {
    h = await createServiceHarness({ QUOTA_MEMBER_DAILY_USD: '1' });
    h.clock.now = Date.now();
    await open('s1');
    const sent = accepted(await h.service.send('s1', { actor: member('ana'), text: 'local' }));
    await h.waitFor(() => h.running.length === 1);
    h.running[0]?.finish({
      costUsd: 0,
      usage: {
        inputTokens: 900_000,
        outputTokens: 100_000,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        unpricedTokens: 1_000_000,
      },
    });
    await sent.done;
    expect(h.service.usage(member('ana')).member.todayUsd).toBeGreaterThan(1);
    expect(h.service.admit(member('ana'))).toMatch(/daily quota/);
    expect(h.audit.list('s1').find((row) => row.kind === 'outcome')?.data).toMatchObject({
      costEstimated: true,
    });
  });

  it('exempts admins when QUOTA_ADMINS_EXEMPT is on', async () => {
    h = await createServiceHarness({
      QUOTA_SERVER_DAILY_USD: '0.0005',
      QUOTA_ADMINS_EXEMPT: 'true',
      ADMIN_ROLE: 'admins',
    });
    h.clock.now = Date.now();
    await open('s1');
    await finishOne('s1');
    expect(h.service.admit(member('ana'))).toMatch(/daily quota/);
    expect(h.service.admit(member('root', 'g1', { roleIds: ['admins'] }))).toBeUndefined();
  });
});

describe('approvals', () => {
  const request = (tool = 'createIssue') => ({
    server: 'github',
    tool,
    label: `tools.github.${tool}`,
    input: { title: 'hi', token: 'sk-secret-value-123456' },
    reason: 'this tool is set to need approval',
  });

  const startHeld = async (env: Record<string, string> = {}) => {
    h = await createServiceHarness({ ADMIN_ROLE: 'admins', APPROVER_ROLE: 'approvers', ...env });
    await open('s1');
    const events: TaskEvent[] = [];
    const sent = accepted(
      await h.service.send('s1', { actor: member('ana'), text: 'go' }, { onEvent: (e) => events.push(e) }),
    );
    await h.waitFor(() => h.running.length === 1);
    const held = h.running[0];
    if (!held) throw new Error('nothing running');
    return { events, sent, held };
  };

  const shown = (events: TaskEvent[]) => events.flatMap((e) => (e.type === 'approval' ? [e.approval] : []));

  it('waits for an approver; others cannot decide; "approve for this task" skips the next prompt', async () => {
    const { events, held } = await startHeld();
    const first = held.approve(request());
    await h.waitFor(() => shown(events).length === 1);
    const [view] = shown(events);
    expect(view).toMatchObject({
      label: 'tools.github.createIssue',
      reason: 'this tool is set to need approval',
    });
    expect(view?.input).toContain('"title": "hi"');
    // The task's owner is not an approver; neither is a stranger.
    expect(h.service.decide(view?.id ?? '', member('ana'), 'once')).toEqual({ status: 'not-allowed' });
    expect(
      h.service.decide(view?.id ?? '', member('approver', 'g1', { roleIds: ['approvers'] }), 'task'),
    ).toEqual({
      status: 'decided',
      approved: true,
    });
    expect(await first).toMatchObject({ approved: true, by: 'approver' });
    // The same tool again in this task: no prompt. Another tool: a prompt.
    expect(await held.approve(request())).toMatchObject({ approved: true });
    expect(shown(events)).toHaveLength(1);
    const other = held.approve(request('deleteRepo'));
    await h.waitFor(() => shown(events).length === 2);
    expect(
      h.service.decide(shown(events)[1]?.id ?? '', member('root', 'g1', { roleIds: ['admins'] }), 'deny'),
    ).toEqual({ status: 'decided', approved: false });
    expect(await other).toMatchObject({ approved: false, by: 'root' });
    expect(
      events
        .filter((e) => e.type === 'approval-decided')
        .map((e) => e.type === 'approval-decided' && e.approved),
    ).toEqual([true, false]);
    const rows = h.audit.list('s1').filter((e) => e.kind === 'approval');
    expect(rows.map((r) => [r.actor, r.data.approved, r.data.label])).toEqual([
      ['approver', true, 'tools.github.createIssue'],
      ['root', false, 'tools.github.deleteRepo'],
    ]);
    held.finish();
  });

  it('denies when nobody decides in time, and when the run is stopped while it waits', async () => {
    const { events, held, sent } = await startHeld({ APPROVAL_TIMEOUT_MS: '1000' });
    expect(await held.approve(request())).toMatchObject({ approved: false, by: 'timeout' });
    const waiting = held.approve(request('other'));
    await h.waitFor(() => shown(events).length === 2);
    expect(h.service.stop('s1', member('ana'))).toBe('stopped');
    expect(await waiting).toMatchObject({ approved: false, by: 'nobody' });
    await sent.done;
    // After its run ended, the buttons of that call do nothing.
    expect(
      h.service.decide(shown(events)[1]?.id ?? '', member('root', 'g1', { roleIds: ['admins'] }), 'once'),
    ).toEqual({
      status: 'expired',
    });
  });

  it('never shows a configured secret in the argument it asks about', async () => {
    const { events, held } = await startHeld();
    void held.approve({ ...request(), input: { key: 'sk-secret-value-123456' } });
    await h.waitFor(() => shown(events).length === 1);
    expect(shown(events)[0]?.input).toBe('{\n  "key": "[redacted]"\n}');
    held.finish();
  });
});

describe('channel profiles in the service', () => {
  const profiles = () =>
    checkProfiles(
      {
        profiles: {
          finance: {
            prompt: 'Use EUR.',
            tools: ['workspace'],
            maxSteps: 3,
            maxCostUsd: 0.25,
            learnSkills: false,
            quotas: { memberDailyUsd: 0.0005 },
            approverRole: 'fin',
          },
        },
        channels: { fin: 'finance' },
      },
      'profiles.yaml',
      ['claude-sonnet-5-5'],
    );
  const inFinance = (userId: string, extra: Partial<Actor> = {}) =>
    member(userId, 'g1', { channelId: 'fin', ...extra });

  it("gives a message its channel's instructions, tools, budgets and learning; other channels keep the defaults", async () => {
    h = await createServiceHarness({ RATE_LIMIT_PER_MINUTE: '100' }, { profiles: profiles() });
    await open('s1', inFinance('ana'));
    accepted(await h.service.send('s1', { actor: inFinance('ana'), text: 'in finance' }));
    await h.waitFor(() => h.running.length === 1);
    expect(h.running[0]?.setup).toEqual({
      instructions: 'Use EUR.',
      servers: ['workspace'],
      limits: { maxSteps: 3, maxCostUsd: 0.25 },
      learn: false,
    });
    h.running[0]?.finish();
    await open('s2');
    accepted(await h.service.send('s2', { actor: member('ana'), text: 'elsewhere' }));
    await h.waitFor(() => h.running[0]?.text === 'elsewhere');
    expect(h.running[0]?.setup).toEqual({});
    h.running[0]?.finish();
  });

  it("holds a channel to its profile's quota and lets its approver role decide there only", async () => {
    h = await createServiceHarness({ RATE_LIMIT_PER_MINUTE: '100' }, { profiles: profiles() });
    h.clock.now = Date.now();
    await open('s1', inFinance('ana'));
    const events: TaskEvent[] = [];
    const sent = accepted(
      await h.service.send(
        's1',
        { actor: inFinance('ana'), text: 'spend' },
        { onEvent: (e) => events.push(e) },
      ),
    );
    await h.waitFor(() => h.running.length === 1);
    const held = h.running[0];
    const asked = held?.approve({
      server: 'web',
      tool: 'fetch',
      label: 'tools.web.fetch',
      input: {},
      reason: 'r',
    });
    await h.waitFor(() => events.some((e) => e.type === 'approval'));
    const id = events.flatMap((e) => (e.type === 'approval' ? [e.approval.id] : []))[0] ?? '';
    // The role approves in the finance channel only: the same member elsewhere may not decide.
    expect(h.service.decide(id, member('fay', 'g1', { roleIds: ['fin'] }), 'once')).toEqual({
      status: 'not-allowed',
    });
    expect(h.service.decide(id, inFinance('fay', { roleIds: ['fin'] }), 'once')).toEqual({
      status: 'decided',
      approved: true,
    });
    expect(await asked).toMatchObject({ approved: true, by: 'fay' });
    held?.finish({ costUsd: 0.001 });
    await sent.done;
    expect(h.service.admit(inFinance('ana'))).toMatch(/daily quota/);
    expect(h.service.admit(member('ana'))).toBeUndefined();
  });
});

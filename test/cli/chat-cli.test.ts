/**
 * `toolsmith chat` as a person (or a script) uses it: a conversation piped in ends cleanly at EOF;
 * multi-line messages (`"""` blocks, `\` continuations, a paste on a terminal) are one message each;
 * /add and /files; a session saved, listed, resumed and audited through the task service; Ctrl-C
 * clears a half-typed line before it stops or leaves.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, vi } from 'vitest';
import { createAuditRepo } from '../../src/store/audit-repo.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { FakeAnthropic, MessagesBody } from '../helpers/fake-anthropic.ts';
import { itWithFakeApi, toolsmith, toolsmithPty } from './helpers/cli-harness.ts';

// Each test starts toolsmith processes; on a busy machine one takes several seconds to start.
vi.setConfig({ testTimeout: 120_000 });

/** Each test has its own fake Messages API and folder, so the tests run together. */
const it = itWithFakeApi('chat-key');

const env = (fake: FakeAnthropic, dir: string) => ({
  ANTHROPIC_API_KEY: 'chat-key',
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_MAX_RETRIES: '0',
  DATA_DIR: path.join(dir, 'data'),
  SKILLS_LEARN: 'false',
});

/** The text the user sent last in a request. */
function lastUserText(body: MessagesBody | undefined): string {
  const last = body?.messages.filter((m) => m.role === 'user').at(-1);
  const content = last?.content;
  if (typeof content === 'string') return content;
  return (content ?? [])
    .map((block) => ('text' in block && typeof block.text === 'string' ? block.text : ''))
    .join('\n');
}

describe.concurrent('toolsmith chat over pipes', () => {
  it('takes a piped conversation, multi-line messages as one, and ends cleanly at EOF', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(
      fake.code("await tools.workspace.write({ path: 'sum.txt', content: String(1 + 2) }); 1 + 2"),
      fake.text('It is 3.'),
      fake.text('Two lines read.'),
      fake.text('Joined.'),
    );
    const input = [
      '/status',
      'add 1 and 2',
      '"""',
      'first line',
      'second line',
      '"""',
      'one \\',
      'message',
      '/files',
      '/status',
      '',
    ].join('\n');
    const result = await toolsmith(['chat'], { env: env(fake, dir), cwd: dir, input });
    expect(result.stderr).not.toContain('readline was closed');
    expect(result.code).toBe(0);
    expect(fake.requests).toHaveLength(4);
    expect(lastUserText(fake.requests[2]?.body)).toBe('first line\nsecond line');
    expect(lastUserText(fake.requests[3]?.body)).toBe('one \nmessage');
    expect(result.stdout).toContain('> add 1 and 2\n');
    expect(result.stdout.split('It is 3.').length - 1).toBe(1);
    // Files the agent wrote are announced with the answer, and listed by /files.
    expect(result.stdout).toMatch(/files written: \/\S+\/workspaces\/chat-[\w-]+\/sum\.txt\n/);
    expect(result.stdout).toContain('sum.txt  1 B');
    // /status names the sandbox worker the session's code ran in, with what it holds: the only one
    // (the default SANDBOX_SPARE_PROCESSES=1 is for the bot; a chat keeps no spare beside it). Before
    // the first message there was none: a session starts its process as it opens.
    expect(result.stdout).toMatch(
      /^1 sandbox process \(pid \d+\) holds 1 sandbox in \d+(\.\d+)? MB resident$/m,
    );
    expect(result.stdout.match(/sandbox process/g)).toHaveLength(1);
  });

  it('adds files with /add (attachment limits), lists them, and saves, lists, resumes and audits the session', async ({
    fake,
    dir,
    expect,
  }) => {
    await writeFile(path.join(dir, 'sales.csv'), 'region,revenue\nNorth,40\n');
    await writeFile(path.join(dir, 'big.bin'), Buffer.alloc(2048));
    fake.reply(
      fake.code("(await tools.workspace.readText({ path: 'sales.csv' })).text.length"),
      fake.text('Read it.'),
    );
    const first = await toolsmith(['chat'], {
      env: { ...env(fake, dir), MAX_ATTACHMENT_BYTES: '1024' },
      cwd: dir,
      input: `/add sales.csv big.bin\n/files\nread sales.csv\n`,
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('added sales.csv (24 B)');
    expect(first.stdout).toMatch(
      /not added: big\.bin is 2\.0 KB, over the 1\.0 KB limit for one file \(1024 bytes, MAX_ATTACHMENT_BYTES\)/,
    );
    expect(first.stdout).toContain('sales.csv  24 B');

    const listed = await toolsmith(['sessions', 'list', '--json'], { env: env(fake, dir), cwd: dir });
    const { sessions } = JSON.parse(listed.stdout) as {
      sessions: { id: string; frontEnd: string; title: string }[];
    };
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ frontEnd: 'terminal', title: 'chat' });
    const id = sessions[0]?.id ?? '';

    fake.reply(fake.text('You asked me to read sales.csv.'));
    const resumed = await toolsmith(['chat', '--resume'], {
      env: env(fake, dir),
      cwd: dir,
      input: 'what did I ask?\n',
    });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resumed session ${id}`);
    const body = JSON.stringify(fake.requests.at(-1)?.body?.messages);
    expect(body).toContain('read sales.csv');
    expect(body).toContain('what did I ask?');

    const unknown = await toolsmith(['chat', '--resume', 'nope'], { env: env(fake, dir), cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: no saved session nope (toolsmith sessions list shows them)');

    const store = openStore({ dataDir: path.join(dir, 'data') });
    const kinds = createAuditRepo(store)
      .list(id)
      .map((row) => row.kind);
    store.close();
    expect(kinds).toEqual(expect.arrayContaining(['task', 'message', 'code', 'outcome']));
  });

  it('does not merge a message the model never got into the next one', async ({ fake, dir, expect }) => {
    fake.reply(fake.httpError(500, { message: 'down' }), fake.text('Hello.'));
    const result = await toolsmith(['chat'], {
      env: env(fake, dir),
      cwd: dir,
      input: 'first try\nsecond try\n',
    });
    expect(result.stdout.split('The model could not be reached').length - 1).toBe(1);
    expect(lastUserText(fake.requests[1]?.body)).toBe('second try');
    expect(result.code).toBe(1);
  });
});

describe.concurrent('toolsmith chat on a terminal', () => {
  it('sends a paste as one message, clears a half-typed line with Ctrl-C, and leaves on a second Ctrl-C', async ({
    fake,
    dir,
    expect,
  }) => {
    fake.reply(fake.text('Got both lines.'));
    const pty = toolsmithPty(['chat'], { env: env(fake, dir), cwd: dir });
    try {
      await pty.waitFor('> ');
      pty.write('line one\rline two\r');
      await pty.waitFor('Got both lines.');
      expect(fake.requests).toHaveLength(1);
      expect(lastUserText(fake.requests[0]?.body)).toBe('line one\nline two');
      await pty.waitFor(/✓ answered/);
      pty.write('half typed');
      await pty.waitFor('half typed');
      pty.write('\x03');
      await pty.waitFor('^C');
      pty.write('\x03');
      await pty.waitFor('Ctrl-C again');
      pty.write('\x03');
      expect(await pty.exited).toBe(0);
      expect(fake.requests).toHaveLength(1);
    } finally {
      pty.kill();
    }
  });

  it('stops a running step with Ctrl-C and stays in the chat', async ({ fake, dir, expect }) => {
    fake.reply(fake.code('1 + 1', { delayMs: 30_000 }), fake.text('Still here.'));
    const pty = toolsmithPty(['chat'], { env: env(fake, dir), cwd: dir });
    try {
      await pty.waitFor('> ');
      pty.write('take your time\r');
      await fake.waitForRequests(1);
      pty.write('\x03');
      await pty.waitFor('✗ not answered (aborted)');
      expect(pty.text().split('Stopped: the task was cancelled.').length - 1).toBe(1);
      pty.write('are you there?\r');
      await pty.waitFor('Still here.');
      // Another terminal sees what this chat's task service holds.
      const status = await toolsmith(['status', '--json'], { env: env(fake, dir), cwd: dir });
      const { holder } = JSON.parse(status.stdout);
      expect(holder).toMatchObject({ alive: true, service: { liveSessions: 1, running: 0, queued: 0 } });
      expect(holder.service.rssBytes).toBeGreaterThan(0);
      pty.write('\x04');
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
  });
});

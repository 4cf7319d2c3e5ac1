/**
 * Approvals in the terminal: `toolsmith run` on a pseudo-terminal asks `[y]es once, [a]ll this task,
 * [N]o` and does what the operator answers; over a pipe nobody can answer, so the call is denied at
 * once (no ten-minute wait) and says why. A loopback site sees what really ran.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, vi } from 'vitest';
import { choiceOf } from '../../src/cli/terminal-approvals.ts';
import type { FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { itWithFakeApi, toolsmith, toolsmithPty } from './helpers/cli-harness.ts';

vi.setConfig({ testTimeout: 120_000 });

/** A loopback site that records the methods it receives. */
interface Site {
  url: string;
  received: string[];
}

/** Each test has its own fake Messages API, folder and site, so the tests run together. */
const it = itWithFakeApi('cli-key').extend<{ site: Site }>({
  // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
  site: async ({}, use) => {
    const received: string[] = [];
    const server: Server = createServer((request, response) => {
      received.push(request.method ?? '');
      response.writeHead(201).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await use({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, received });
    await new Promise((resolve) => server.close(resolve));
  },
});

const env = (fake: FakeAnthropic, dir: string) => ({
  ANTHROPIC_API_KEY: 'cli-key',
  ANTHROPIC_BASE_URL: fake.url,
  DATA_DIR: path.join(dir, 'data'),
  MCP_CONFIG: path.join(dir, 'none.json'),
  WEB_ALLOWED_HOSTS: '127.0.0.1',
  WEB_ALLOW_PRIVATE: 'true',
  WEB_APPROVE_WRITES: 'true',
});

const code = (url: string) =>
  `let out;\ntry { out = (await tools.web.fetch({ url: '${url}', method: 'POST', body: 'x' })).status } catch (e) { out = e.message }\nout`;

describe.concurrent('approvals in the terminal', () => {
  it('reads y, a and anything else as once, this task, deny', ({ expect }) => {
    expect(['y', 'YES', ' a ', 'all', '', 'n', 'sure'].map(choiceOf)).toEqual([
      'once',
      'once',
      'task',
      'task',
      'deny',
      'deny',
      'deny',
    ]);
  });

  it('over a pipe the call is denied at once and says why; nothing is sent', async ({
    fake,
    dir,
    site,
    expect,
  }) => {
    fake.reply(fake.code(code(site.url)), fake.text('It was denied.'));
    const result = await toolsmith(['run', 'post it'], { env: env(fake, dir), cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'approval needed: tools.web.fetch (a POST request can change things on the web)',
    );
    expect(result.stderr).toContain('denied: stdin is not a terminal');
    expect(site.received).toEqual([]);
  });

  it('on a terminal the operator is asked, and y runs the call', async ({ fake, dir, site, expect }) => {
    fake.reply(fake.code(code(site.url)), fake.text('Posted.'));
    const pty = toolsmithPty(['run', 'post it'], { env: env(fake, dir), cwd: dir });
    await pty.waitFor('allow tools.web.fetch? [y]es once, [a]ll this task, [N]o:');
    expect(site.received).toEqual([]);
    pty.write('y\r');
    expect(await pty.exited).toBe(0);
    expect(site.received).toEqual(['POST']);
    expect(pty.text()).toContain('Posted.');
  });
});

/**
 * Approvals in the terminal: `toolsmith run` on a pseudo-terminal asks `[y]es once, [a]ll this task,
 * [N]o` and does what the operator answers; over a pipe nobody can answer, so the call is denied at
 * once (no ten-minute wait) and says why. A loopback site sees what really ran.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { choiceOf } from '../../src/cli/terminal-approvals.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';
import { toolsmith, toolsmithPty } from './helpers/cli-harness.ts';

vi.setConfig({ testTimeout: 120_000 });

let fake: FakeAnthropic;
let dir: string;
let server: Server;
let received: string[];
let url: string;
beforeEach(async () => {
  fake = await createFakeAnthropic({ apiKey: 'cli-key' });
  dir = await mkdtemp(path.join(tmpdir(), 'toolsmith-approve-'));
  received = [];
  server = createServer((request, response) => {
    received.push(request.method ?? '');
    response.writeHead(201).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterEach(async () => {
  await fake.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  ANTHROPIC_API_KEY: 'cli-key',
  ANTHROPIC_BASE_URL: fake.url,
  DATA_DIR: path.join(dir, 'data'),
  MCP_CONFIG: path.join(dir, 'none.json'),
  WEB_ALLOWED_HOSTS: '127.0.0.1',
  WEB_ALLOW_PRIVATE: 'true',
  WEB_APPROVE_WRITES: 'true',
});

const code = () =>
  `let out;\ntry { out = (await tools.web.fetch({ url: '${url}', method: 'POST', body: 'x' })).status } catch (e) { out = e.message }\nout`;

describe('approvals in the terminal', () => {
  it('reads y, a and anything else as once, this task, deny', () => {
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

  it('over a pipe the call is denied at once and says why; nothing is sent', async () => {
    fake.reply(fake.code(code()), fake.text('It was denied.'));
    const result = await toolsmith(['run', 'post it'], { env: env(), cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'approval needed: tools.web.fetch (a POST request can change things on the web)',
    );
    expect(result.stderr).toContain('denied: stdin is not a terminal');
    expect(received).toEqual([]);
  });

  it('on a terminal the operator is asked, and y runs the call', async () => {
    fake.reply(fake.code(code()), fake.text('Posted.'));
    const pty = toolsmithPty(['run', 'post it'], { env: env(), cwd: dir });
    await pty.waitFor('allow tools.web.fetch? [y]es once, [a]ll this task, [N]o:');
    expect(received).toEqual([]);
    pty.write('y\r');
    expect(await pty.exited).toBe(0);
    expect(received).toEqual(['POST']);
    expect(pty.text()).toContain('Posted.');
  });
});

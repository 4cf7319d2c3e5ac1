/**
 * /help and /tools, and a dead MCP server: reported by /tools while /task keeps working.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, createBotHarness } from './bot-harness.ts';
import { replyTo, startTask, toolResults, waitForAnswers } from './bot-steps.ts';

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('commands', () => {
  it('/help says what the bot does and how to use it', async () => {
    h = await createBotHarness();
    const reply = await replyTo(h, await h.discord.slashCommand({ name: 'help' }));
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/^\*\*Toolsmith\*\* does tasks by writing and running code\./);
    for (const part of ['/task prompt:', '/stop', '/skills list|search|show|delete', '/tools', 'Stop']) {
      expect(reply.content).toContain(part);
    }
    expect(reply.content.length).toBeLessThanOrEqual(2000);
  });

  it('/tools lists the MCP servers with their status and tools', async () => {
    h = await createBotHarness();
    const reply = await replyTo(h, await h.discord.slashCommand({ name: 'tools' }));
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      '🟢 **workspace** (connected, built-in)\n`list`, `readText`, `readLines`, `readBase64`, `write`, `delete`, `stat`\n\n' +
        '⚪ **web** (disabled, built-in) — off: no host is allowed (set WEB_ALLOWED_HOSTS to turn it on)\n(no tools)\n\n' +
        '🟢 **chart** (connected, built-in)\n`render`',
    );
    await h.close();
    h = await createBotHarness({ env: { WEB_ALLOWED_HOSTS: 'example.com' } });
    const enabled = await replyTo(h, await h.discord.slashCommand({ name: 'tools' }));
    expect(enabled.content).toMatch(/\n\n🟢 \*\*web\*\* \(connected, built-in\)\n`fetch`/);
  });

  it('an unknown command gets a clear ephemeral answer', async () => {
    h = await createBotHarness();
    const reply = await replyTo(h, await h.discord.slashCommand({ name: 'frobnicate' }));
    expect(reply.content).toBe('Unknown command /frobnicate.');
    expect(reply.ephemeral).toBe(true);
  });

  it('a dead MCP server is reported by /tools while /task keeps working', async () => {
    h = await createBotHarness({
      mcpConfig: { mcpServers: { broken: { command: process.execPath, args: ['-e', 'process.exit(1)'] } } },
    });
    const reply = await replyTo(h, await h.discord.slashCommand({ name: 'tools' }));
    const broken = reply.content.split('\n\n').find((block) => block.includes('**broken**'));
    expect(broken).toBe('🔴 **broken** (failed) — stdio: exited during start-up\n(no tools)');
    expect(reply.content).toContain('🟢 **workspace** (connected, built-in)');

    h.anthropic.reply(
      h.anthropic.code(
        "await tools.workspace.write({ path: 'ok.txt', content: 'fine' });\n(await tools.workspace.readText({ path: 'ok.txt' })).text",
      ),
      h.anthropic.text('Still working: fine.'),
    );
    const { thread } = await startTask(h, { prompt: 'work despite the broken server' });
    const [answer] = await waitForAnswers(h, thread.id);
    expect(answer?.content).toBe('Still working: fine.');
    expect(toolResults(h, 1)).toEqual(["=> 'fine'"]);
    // the model was told which tools exist: the broken server's are not among them
    expect(JSON.stringify(h.anthropic.requests[0]?.body?.system)).not.toContain('broken.');
  });
});

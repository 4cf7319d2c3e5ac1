/** Shared set-up of agent tests: the real model client against the fake Messages API, a real tool hub. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentEvent } from '../../src/agent/events.ts';
import { createTaskSession, type TaskSessionOptions } from '../../src/agent/task-session.ts';
import { createAnthropicModel } from '../../src/model/create-anthropic-model.ts';
import { createSandbox } from '../../src/sandbox/create-sandbox.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import type { ToolHub } from '../../src/tools/types.ts';
import { createFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic.ts';

export interface AgentHarness {
  fake: FakeAnthropic;
  hub: ToolHub;
  workspaceDir: string;
  events: AgentEvent[];
  session(overrides?: Partial<TaskSessionOptions>): ReturnType<typeof createTaskSession>;
  close(): Promise<void>;
}

export async function createAgentHarness(): Promise<AgentHarness> {
  const fake = await createFakeAnthropic({ apiKey: 'test-key' });
  const hub = await createToolHub({ workspace: { maxFileBytes: 1024 * 1024 } });
  const workspaceDir = await mkdtemp(path.join(tmpdir(), 'toolsmith-agent-'));
  const model = createAnthropicModel({
    apiKey: 'test-key',
    baseUrl: fake.url,
    maxRetries: 3,
    backoff: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const events: AgentEvent[] = [];
  const sessions: { dispose(): void }[] = [];
  return {
    fake,
    hub,
    workspaceDir,
    events,
    session(overrides = {}) {
      const session = createTaskSession({
        id: 'test-session',
        model,
        tools: hub,
        scope: { scope: 'local', author: 'tester' },
        workspaceDir,
        createSandbox,
        limits: { maxSteps: 12, wallMs: 60_000, maxTokens: 400_000, maxCostUsd: 5 },
        ...overrides,
      });
      sessions.push(session);
      return session;
    },
    async close() {
      for (const session of sessions) session.dispose();
      await hub.close();
      await fake.close();
      await rm(workspaceDir, { recursive: true, force: true });
    },
  };
}

/** The text of the tool results the model was sent in request `index`. */
export function toolResultsOf(fake: FakeAnthropic, index: number): string[] {
  const body = fake.requests[index]?.body;
  const last = body?.messages[body.messages.length - 1];
  if (!last || typeof last.content === 'string') return [];
  return last.content.flatMap((block) => {
    if (block.type !== 'tool_result') return [];
    const content = (block as { content?: unknown }).content;
    if (typeof content === 'string') return [content];
    if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? '');
    return [];
  });
}

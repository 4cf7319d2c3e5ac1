import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { approvalReason } from '../../src/tools/approval-policy.ts';

const tool = (name: string, annotations?: Tool['annotations']): Tool => ({
  name,
  inputSchema: { type: 'object' },
  ...(annotations ? { annotations } : {}),
});

describe('approvalReason', () => {
  it('asks for every tool of a server set to need approval, or the tools it lists', () => {
    expect(approvalReason({ tools: 'all', destructive: false }, tool('read'), {})).toMatch(
      /set to need approval/,
    );
    const some = { tools: ['create_issue'], destructive: false };
    expect(approvalReason(some, tool('create_issue'), {})).toMatch(/set to need approval/);
    expect(approvalReason(some, tool('search'), {})).toBeUndefined();
    expect(approvalReason(undefined, tool('anything'), {})).toBeUndefined();
  });

  it('with approveDestructive, asks for tools not annotated read-only, and says why', () => {
    const rule = { tools: [], destructive: true };
    expect(approvalReason(rule, tool('rm', { destructiveHint: true }), {})).toMatch(/delete or overwrite/);
    expect(approvalReason(rule, tool('mystery'), {})).toMatch(/does not say it only reads/);
    expect(approvalReason(rule, tool('list', { readOnlyHint: true }), {})).toBeUndefined();
  });

  it('web writes: only methods other than GET and HEAD, however they are spelt', () => {
    const rule = { tools: [], destructive: false, webWrites: true };
    expect(approvalReason(rule, tool('fetch'), { url: 'https://x' })).toBeUndefined();
    expect(approvalReason(rule, tool('fetch'), { method: 'head' })).toBeUndefined();
    expect(approvalReason(rule, tool('fetch'), { method: 'delete' })).toMatch(/a DELETE request/);
    expect(approvalReason(rule, tool('fetch'), 'not an object')).toBeUndefined();
  });
});

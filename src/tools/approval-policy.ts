/**
 * Which tool calls wait for a person: every tool of a server with `requireApproval: true`, the tools it
 * lists, tools not annotated read-only on a server with `approveDestructive: true`, and the built-in
 * web fetch with a method that writes when WEB_APPROVE_WRITES is on.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalPolicy } from './mcp-config.ts';

export interface ApprovalRule extends ApprovalPolicy {
  /** The built-in web server: `fetch` with a method other than GET or HEAD needs approval. */
  webWrites?: boolean;
}

/** Why this call needs approval, or undefined when it does not. */
export function approvalReason(
  rule: ApprovalRule | undefined,
  tool: Tool,
  input: unknown,
): string | undefined {
  if (!rule) return undefined;
  if (rule.tools === 'all' || rule.tools.includes(tool.name)) return 'this tool is set to need approval';
  if (rule.destructive && tool.annotations?.readOnlyHint !== true) {
    return tool.annotations?.destructiveHint === true
      ? 'the tool says it may delete or overwrite data'
      : 'the tool does not say it only reads';
  }
  if (rule.webWrites && tool.name === 'fetch') {
    const method =
      input && typeof input === 'object' && 'method' in input && typeof input.method === 'string'
        ? input.method.toUpperCase()
        : 'GET';
    if (method !== 'GET' && method !== 'HEAD') return `a ${method} request can change things on the web`;
  }
  return undefined;
}

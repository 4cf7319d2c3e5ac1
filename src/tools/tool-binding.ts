/**
 * The host function behind `tools.<server>.<tool>(input)` in the sandbox: one object argument, the
 * approval asked first when the tool needs it (the run's wall clock paused while a person decides),
 * then the call through call-tool.ts.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { HostFunction } from '../sandbox/types.ts';
import { type ApprovalRule, approvalReason } from './approval-policy.ts';
import { callTool, type ToolCall } from './call-tool.ts';
import { ToolError } from './tool-error.ts';
import type { ToolBindingOptions } from './types.ts';

/** What the binding of one tool is made from. */
export interface ToolBindingParts {
  /** The configured server name. */
  server: string;
  tool: Tool;
  /** `tools.<server>.<tool>` as the code writes it. */
  label: string;
  /** What calls of this tool share, or why it cannot be called. */
  call: ToolCall | ToolError;
  /** Which calls wait for a person's approval. */
  approval: ApprovalRule | undefined;
  options: ToolBindingOptions;
}

/** The binding of one tool for one run's sandbox. */
export function toolBinding(parts: ToolBindingParts): HostFunction {
  const { server, tool, label, call, approval, options } = parts;
  const onCall = options.onCall;
  return (args, context) => {
    if (args.length > 1) throw new ToolError(`${label} takes one object argument, e.g. ${label}({ ... })`);
    if (call instanceof ToolError) return Promise.reject(call);
    const invoke = () =>
      callTool(
        call,
        args[0],
        onCall
          ? { onCall, signal: context.signal, serialized: true }
          : { signal: context.signal, serialized: true },
      );
    const reason = approvalReason(approval, tool, args[0]);
    if (!reason) return invoke();
    const request = { server, tool: tool.name, label, input: args[0], reason };
    return (async () => {
      const decision = options.approve
        ? await context.pauseWall(options.approve(request))
        : { approved: false, by: 'nobody', note: 'no one can approve calls here' };
      if (!decision.approved)
        throw new ToolError(
          `${label} was denied by ${decision.by}${decision.note ? ` (${decision.note})` : ''}`,
        );
      return invoke();
    })();
  };
}

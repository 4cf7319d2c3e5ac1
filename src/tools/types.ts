/** The tool hub contract: MCP servers (configured and built-in) seen by the agent and front ends. */
import type { HostBindings } from '../sandbox/types.ts';

export type ServerStatus = 'connecting' | 'connected' | 'failed' | 'reconnecting' | 'closed' | 'disabled';

export interface ToolInfo {
  /** The MCP tool name as the server spells it. */
  name: string;
  /** The identifier used in sandboxed code: `tools.<server>.<identifier>`. */
  identifier: string;
  description: string;
}

export interface ServerInfo {
  name: string;
  /** Identifier of the server's namespace in code. */
  identifier: string;
  status: ServerStatus;
  error?: string;
  builtIn: boolean;
  tools: ToolInfo[];
}

/** One tool call, as recorded for the audit log and live progress. */
export interface ToolCallEvent {
  phase: 'start' | 'end';
  callId: string;
  server: string;
  tool: string;
  /** Size of the JSON arguments in characters. */
  argsChars: number;
  durationMs?: number;
  ok?: boolean;
  error?: string;
  /** Size of the result in characters. */
  resultChars?: number;
}

export interface ToolHub {
  servers(): ServerInfo[];
  /** TypeScript declarations of `tools` as the model sees them. */
  declarations(): string;
  /**
   * Host bindings for a sandbox: `tools.<server>.<tool>` for every tool. The workspace tools act on
   * `workspaceDir`. Events of each call go to `onCall`.
   */
  bindings(options: { workspaceDir: string; onCall?: (event: ToolCallEvent) => void }): HostBindings;
  close(): Promise<void>;
}

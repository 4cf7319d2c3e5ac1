/**
 * The TypeScript the model reads to know its tools: one namespace per server under `declare const tools`,
 * descriptions as JSDoc, input schemas as the parameter, output schemas as the resolved type.
 */
import { allOptional, docOf, isRecord, jsDoc, schemaToTs } from './schema-to-ts.ts';

export interface DeclaredTool {
  /** Identifier in code (`tools.<server>.<identifier>`). */
  identifier: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
}

export interface DeclaredServer {
  identifier: string;
  description?: string;
  tools: DeclaredTool[];
}

export interface Declarations {
  text: string;
  /** Characters of each server's block, by server identifier. */
  charsByServer: Map<string, number>;
}

const HEADER =
  '/** Thrown by a tool call when the tool reports an error (message from the tool), times out, or is unknown. */\n' +
  'declare class ToolError extends Error {}\n';

/** Declarations of `tools` for the given servers, in order. Servers without tools are left out. */
export function generateDeclarations(
  servers: DeclaredServer[],
  options: { maxDepth?: number } = {},
): Declarations {
  const charsByServer = new Map<string, number>();
  const blocks: string[] = [];
  for (const server of servers) {
    if (server.tools.length === 0) continue;
    const methods = server.tools.map((tool) => declareTool(tool, options.maxDepth)).join('');
    const block = `${jsDoc(server.description ?? '', '  ')}  ${server.identifier}: {\n${methods}  };\n`;
    charsByServer.set(server.identifier, block.length);
    blocks.push(block);
  }
  const text =
    blocks.length === 0
      ? `${HEADER}declare const tools: {};\n`
      : `${HEADER}declare const tools: {\n${blocks.join('')}};\n`;
  return { text, charsByServer };
}

function declareTool(tool: DeclaredTool, maxDepth: number | undefined): string {
  const indent = '    ';
  const input = schemaToTs(tool.inputSchema, { indent, maxDepth });
  const optional = isRecord(tool.inputSchema) && allOptional(tool.inputSchema) ? '?' : '';
  const param =
    input === '{}' || input === 'Record<string, unknown>' ? `input?: ${input}` : `input${optional}: ${input}`;
  const output =
    tool.outputSchema === undefined ? 'unknown' : schemaToTs(tool.outputSchema, { indent, maxDepth });
  const doc = tool.description?.trim() || docOf(tool.inputSchema);
  return `${jsDoc(doc, indent)}${indent}${tool.identifier}(${param}): Promise<${output}>;\n`;
}

/**
 * Declarations the model sees, generated from real tool listings (an in-process server covering every
 * schema shape, paginated), checked as snapshots and as syntactically valid TypeScript.
 */
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNames } from '../../src/text/close-names.ts';
import { toIdentifier } from '../../src/text/identifiers.ts';
import { createToolHub } from '../../src/tools/create-tool-hub.ts';
import { generateDeclarations } from '../../src/tools/generate-declarations.ts';
import { schemaToTs } from '../../src/tools/schema-to-ts.ts';
import type { ToolHub } from '../../src/tools/types.ts';
import { createSchemaServer, SCHEMA_TOOLS } from './fixtures/schema-server.ts';

/** Syntax errors TypeScript finds in a declaration file. */
function syntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, { reportDiagnostics: true, fileName: 'tools.ts' });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

let hub: ToolHub;
beforeAll(async () => {
  hub = await createToolHub({
    workspace: false,
    inProcess: [{ name: 'schemas', create: createSchemaServer }],
  });
});
afterAll(() => hub.close());

describe('declarations from a real listing', () => {
  it('follows cursors to list every tool, with identifiers mapped from the MCP names', () => {
    const server = hub.servers().find((s) => s.name === 'schemas');
    expect(server?.error).toBeUndefined();
    expect(server?.status).toBe('connected');
    expect(server?.tools.map((t) => [t.name, t.identifier])).toEqual([
      ['search_issues', 'search_issues'],
      ['create-item', 'createItem'],
      ['tree.walk', 'treeWalk'],
      ['deep', 'deep'],
      ['2fa.verify', '_2faVerify'],
      ['shapes', 'shapes'],
      ['get-item', 'getItem'],
      ['getItem', 'getItem_2'],
    ]);
  });

  it('renders every schema shape (snapshot) as valid TypeScript', () => {
    const text = hub.declarations();
    expect(text).toMatchSnapshot();
    expect(syntaxErrors(text)).toEqual([]);
  });

  it('counts what each server costs the prompt', () => {
    const server = hub.servers().find((s) => s.name === 'schemas');
    expect(server?.declarationChars).toBeGreaterThan(500);
    expect(server?.declarationChars).toBeLessThan(hub.declarations().length);
    expect(hub.servers().find((s) => s.name === 'web')?.declarationChars).toBe(0);
  });

  it('calls tools by identifier or by MCP name, mapping back to the MCP name', async () => {
    const options = { workspaceDir: '/tmp/unused' };
    expect(await hub.call('schemas', '_2faVerify', { code: '123456' }, options)).toEqual({
      tool: '2fa.verify',
      args: { code: '123456' },
    });
    expect(await hub.call('schemas', 'getItem_2', {}, options)).toEqual({ tool: 'getItem', args: {} });
    expect(await hub.call('schemas', 'get-item', undefined, options)).toEqual({ tool: 'get-item', args: {} });
  });
});

describe('schemaToTs edge cases', () => {
  it('keeps the shape of simple types on one line', () => {
    expect(
      schemaToTs({
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'integer' } },
        required: ['a'],
      }),
    ).toBe('{ a: string; b?: number }');
    expect(schemaToTs({ type: 'array', items: { type: ['string', 'null'] } })).toBe('(string | null)[]');
    expect(schemaToTs({ enum: ['a', 1, true, null] })).toBe('"a" | 1 | true | null');
    expect(schemaToTs({ type: 'object', properties: {} })).toBe('{}');
    expect(schemaToTs({ type: 'object' })).toBe('Record<string, unknown>');
    expect(schemaToTs({ type: 'object', additionalProperties: { type: 'string' } })).toBe(
      'Record<string, string>',
    );
  });

  it('turns anything unreadable into unknown instead of failing', () => {
    for (const odd of [
      null,
      'string',
      42,
      [],
      { type: 'no-such-type' },
      { $ref: 'https://example.com/remote.json' },
      { $ref: '#/missing' },
    ]) {
      expect(schemaToTs(odd)).toBe('unknown');
    }
    expect(schemaToTs({ anyOf: [{ type: 'string' }, {}] })).toBe('unknown');
  });

  it('bounds depth', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 50; i++) schema = { type: 'array', items: schema };
    expect(schemaToTs(schema, { maxDepth: 3 })).toBe('unknown[][][][]');
  });

  it('generates an empty tools object when there are no tools', () => {
    const { text } = generateDeclarations([{ identifier: 'empty', tools: [] }]);
    expect(text).toContain('declare const tools: {};');
    expect(syntaxErrors(text)).toEqual([]);
  });

  it('declares the full fixture (a direct call of the generator) as valid TypeScript', () => {
    const taken = new Set<string>();
    const { text } = generateDeclarations([
      {
        identifier: 'fixture',
        tools: SCHEMA_TOOLS.map((tool) => ({
          identifier: toIdentifier(tool.name, taken),
          inputSchema: tool.inputSchema,
          ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
        })),
      },
    ]);
    expect(syntaxErrors(text)).toEqual([]);
  });
});

describe('identifiers', () => {
  it('sanitizes names and suggests close ones', () => {
    expect(toIdentifier('get-sum')).toBe('getSum');
    expect(toIdentifier('search_issues')).toBe('search_issues');
    expect(toIdentifier('my server/v2')).toBe('myServerV2');
    expect(toIdentifier('***')).toBe('tool');
    expect(closeNames('get-sum', ['getSum', 'echo', 'getTinyImage'])).toEqual(['getSum']);
    expect(closeNames('serchIssues', ['searchIssues', 'search_issues', 'createIssue'])).toEqual([
      'search_issues',
      'searchIssues',
    ]);
    expect(closeNames('zzz', ['echo'])).toEqual([]);
  });
});

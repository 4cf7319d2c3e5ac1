/**
 * Checks a skill draft before it reaches the store (at learn, import, seed load and load into a
 * sandbox): names, scope, sizes, and the shape of the code. A skill is exactly one function
 * declaration and nothing else at top level, checked by parsing (acorn), so defining a skill runs
 * nothing: an IIFE, a top-level `await` or any other statement is refused. The tools it calls are
 * found in the same parse (`tools.<server>.<tool>`), and any other use of `tools` is refused so the
 * list is complete.
 */
import { type Node, parse } from 'acorn';
import { UsageError } from '../../errors.ts';
import { nameProblem, SKILL_SCOPE, toIdentifier } from '../skill-name.ts';
import type { SkillDraft } from '../types.ts';

export const MAX_DESCRIPTION_CHARS = 1024;
export const MAX_SIGNATURE_CHARS = 500;
export const MAX_CODE_CHARS = 50_000;
export const MAX_TASK_CHARS = 4000;

/**
 * Identifiers a skill may not take: properties every object has (so `skills.constructor` and
 * friends stay what they are) and the sandbox's own globals.
 */
const RESERVED = new Set([
  'constructor',
  'then',
  'toJSON',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'tools',
  'skills',
]);

/** What parsing a skill's code found. */
export interface CodeShape {
  /** Why the code is not a valid skill (empty when it is). */
  problems: string[];
  /** The tools it calls, `server.tool`, sorted. */
  tools: string[];
}

type AnyNode = Node & Record<string, unknown>;

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'type') === 'string';
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) out.push(item);
    if (isNode(value)) out.push(value);
  }
  return out;
}

const propertyName = (node: AnyNode): string | undefined => {
  if (node.computed) return undefined;
  const property = node.property;
  return isNode(property) && property.type === 'Identifier' ? String(property.name) : undefined;
};

/** Is `node` (an Identifier) a property name here rather than a reference to a variable? */
function isKeyPosition(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  if (parent.type === 'MemberExpression') return parent.property === node && !parent.computed;
  if (parent.type === 'Property') return parent.key === node && !parent.computed && !parent.shorthand;
  if (parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition')
    return parent.key === node && !parent.computed;
  return false;
}

/** The tools `tools.a.b` the code calls, and uses of `tools` that hide which ones. */
function findTools(root: AnyNode): { tools: Set<string>; dynamic: string[] } {
  const tools = new Set<string>();
  const dynamic: string[] = [];
  const visit = (node: AnyNode, ancestors: AnyNode[]) => {
    const parent = ancestors.at(-1);
    if (node.type === 'Identifier' && node.name === 'tools' && !isKeyPosition(node, parent)) {
      const server =
        parent?.type === 'MemberExpression' && parent.object === node ? propertyName(parent) : undefined;
      const outer = ancestors.at(-2);
      const tool =
        server && outer?.type === 'MemberExpression' && outer.object === parent
          ? propertyName(outer)
          : undefined;
      if (server && tool) tools.add(`${server}.${tool}`);
      else
        dynamic.push(
          server ? `tools.${server}` : parent?.type === 'MemberExpression' ? 'tools[...]' : 'tools',
        );
      return;
    }
    ancestors.push(node);
    for (const child of children(node)) visit(child, ancestors);
    ancestors.pop();
  };
  visit(root, []);
  return { tools, dynamic };
}

/**
 * The shapes of the code checked last: a skill's code is inspected when its draft is checked, again
 * when it is saved and when its index entry is made (three parses of every skill learned or changed).
 */
const shapes = new Map<string, CodeShape>();
const MAX_SHAPES = 256;

/** Parse `code` and check that it is exactly one function declaration named `identifier`. */
export function inspectSkillCode(code: string, identifier: string): CodeShape {
  const key = `${identifier}\n${code}`;
  let shape = shapes.get(key);
  if (!shape) {
    shape = parseShape(code, identifier);
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value ?? '');
    shapes.set(key, shape);
  }
  return { problems: [...shape.problems], tools: [...shape.tools] };
}

function parseShape(code: string, identifier: string): CodeShape {
  let program: AnyNode;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AnyNode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const awaits = (() => {
      try {
        parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true });
        return true;
      } catch {
        return false;
      }
    })();
    return {
      problems: [
        awaits
          ? 'the code has a top-level await: a skill is one function declaration, and defining it runs nothing'
          : `the code does not compile: ${message}`,
      ],
      tools: [],
    };
  }
  const body = Array.isArray(program.body) ? program.body.filter(isNode) : [];
  const problems: string[] = [];
  const [first] = body;
  if (body.length !== 1 || !first || first.type !== 'FunctionDeclaration') {
    const others = body.filter((node) => node.type !== 'FunctionDeclaration').map((node) => node.type);
    problems.push(
      `the code must be exactly one function declaration (function ${identifier}(...) { ... }) and nothing else at top level` +
        `${others.length > 0 ? `; found ${[...new Set(others)].join(', ')}` : body.length > 1 ? `; found ${body.length} functions` : ''}`,
    );
  } else {
    const id = first.id;
    const name = isNode(id) ? String(id.name) : '';
    if (name !== identifier) problems.push(`the function is named ${name}, not ${identifier}`);
    if (first.generator) problems.push('the function must not be a generator');
  }
  const found = findTools(program);
  if (found.dynamic.length > 0) {
    problems.push(
      `the code uses ${[...new Set(found.dynamic)].join(', ')}: call tools as tools.<server>.<tool>(...) so the tools a skill uses can be declared`,
    );
  }
  return { problems, tools: [...found.tools].sort() };
}

/** The tools a valid skill's code calls (`server.tool`, sorted); empty for code that does not parse. */
export function toolsOfCode(code: string, identifier: string): string[] {
  return inspectSkillCode(code, identifier).tools;
}

/** Every problem of a draft, as sentences a user can act on (empty when it is fine). */
export function draftProblems(draft: SkillDraft): string[] {
  const problems: string[] = [];
  const name = nameProblem(draft.name);
  if (name) problems.push(name);
  else if (RESERVED.has(toIdentifier(draft.name)))
    problems.push(
      `"${draft.name}" is reserved (skills.${toIdentifier(draft.name)} is built in); pick another name`,
    );
  if (!SKILL_SCOPE.test(draft.scope))
    problems.push(`"${draft.scope}" is not a scope: use a server id, local or global`);
  if (!draft.description.trim()) problems.push('the description is empty');
  if (draft.description.length > MAX_DESCRIPTION_CHARS)
    problems.push(`the description is longer than ${MAX_DESCRIPTION_CHARS} characters`);
  if (!draft.signature.trim()) problems.push('the signature is empty');
  if (draft.signature.length > MAX_SIGNATURE_CHARS)
    problems.push(`the signature is longer than ${MAX_SIGNATURE_CHARS} characters`);
  if (draft.task.length > MAX_TASK_CHARS)
    problems.push(`the task text is longer than ${MAX_TASK_CHARS} characters`);
  if (!draft.author.trim()) problems.push('the author is empty');
  if (!['learned', 'seed', 'imported'].includes(draft.source))
    problems.push(`"${draft.source}" is not a source`);
  if (!draft.code.trim()) problems.push('the code is empty');
  else if (draft.code.length > MAX_CODE_CHARS)
    problems.push(`the code is longer than ${MAX_CODE_CHARS} characters`);
  else if (!name) {
    const shape = inspectSkillCode(draft.code, toIdentifier(draft.name));
    problems.push(...shape.problems);
    if (shape.problems.length === 0 && draft.tools) {
      const declared = [...new Set(draft.tools)].sort();
      if (declared.join(',') !== shape.tools.join(',')) {
        problems.push(
          `the declared tools (${declared.join(', ') || 'none'}) are not the tools the code calls (${shape.tools.join(', ') || 'none'})`,
        );
      }
    }
  }
  return problems;
}

/** Throw a UsageError naming every problem of the draft. */
export function assertDraft(draft: SkillDraft): void {
  const problems = draftProblems(draft);
  if (problems.length > 0) throw new UsageError(`skill "${draft.name}": ${problems.join('; ')}`);
}

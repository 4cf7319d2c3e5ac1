/**
 * Parsing for prepare-code, with imports: code is parsed as a script (so it runs sloppy, like a
 * REPL); when the parser stops at `import`/`export`, it is parsed as a module instead, and each
 * import declaration becomes a `const` of what it imports from the library loader
 * (src/sandbox/libraries), on the declaration's first line with the same number of lines, so later
 * positions stay exact. `export` has no meaning in a run and says so.
 */
import * as acorn from 'acorn';
import { IMPORT_NAMESPACE } from './libraries/catalog.ts';
import type { PrepareResult } from './prepare-code.ts';

const EXPORT_HINT =
  'export is not available in the sandbox: top-level declarations persist into the next run by themselves';

interface Edit {
  start: number;
  end: number;
  text: string;
}

export type Parsed =
  | { code: string; program: acorn.Program | SyntaxError; module?: boolean }
  | { error: PrepareResult };

/**
 * Parse as a script; when the parser stopped at `import`/`export`, parse as a module instead and
 * turn each import declaration into a `const` of what it imports (on its first line, with the same
 * number of lines, so later positions stay exact), then parse that as a script.
 */
export function parseWithImports(code: string): Parsed {
  const program = tryParse(code);
  if (!(program instanceof SyntaxError) || !/'import' and 'export'/.test(program.message)) {
    return { code, program };
  }
  const module = tryParse(code, 'module');
  // Not valid as a module either (TypeScript, or a mistake further on): the module parser's
  // error is the real one, unless stripping types helps (the caller tries).
  if (module instanceof SyntaxError) return { code, program: module, module: true };
  const edits: Edit[] = [];
  for (const statement of module.body) {
    if (statement.type === 'ImportDeclaration') {
      const newlines = code.slice(statement.start, statement.end).split('\n').length - 1;
      edits.push({
        start: statement.start,
        end: statement.end,
        text: lowerImport(statement) + '\n'.repeat(newlines),
      });
    } else if (
      statement.type === 'ExportNamedDeclaration' ||
      statement.type === 'ExportDefaultDeclaration' ||
      statement.type === 'ExportAllDeclaration'
    ) {
      const { line, column } = statement.loc?.start ?? { line: 1, column: 0 };
      return {
        error: { ok: false, error: { name: 'SyntaxError', message: EXPORT_HINT, line, column: column + 1 } },
      };
    }
  }
  let lowered = code;
  for (const edit of edits.reverse())
    lowered = lowered.slice(0, edit.start) + edit.text + lowered.slice(edit.end);
  return { code: lowered, program: tryParse(lowered) };
}

/** `import D, { a, b as c } from 's'` -> `const { default: D, a, b: c } = await __toolsmith_import("s", [...]);` */
function lowerImport(statement: acorn.ImportDeclaration): string {
  const from = JSON.stringify(String(statement.source.value));
  const fields: string[] = [];
  const wanted: string[] = [];
  let namespace: string | undefined;
  for (const specifier of statement.specifiers) {
    if (specifier.type === 'ImportNamespaceSpecifier') {
      namespace = specifier.local.name;
    } else if (specifier.type === 'ImportDefaultSpecifier') {
      fields.push(`default: ${specifier.local.name}`);
      wanted.push('default');
    } else {
      const imported =
        specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
      fields.push(`${JSON.stringify(imported)}: ${specifier.local.name}`);
      wanted.push(imported);
    }
  }
  const load = `await ${IMPORT_NAMESPACE}(${from}${wanted.length > 0 ? `, ${JSON.stringify(wanted)}` : ''})`;
  if (namespace !== undefined) {
    return fields.length > 0
      ? `const ${namespace} = ${load}, { ${fields.join(', ')} } = ${namespace};`
      : `const ${namespace} = ${load};`;
  }
  return fields.length > 0 ? `const { ${fields.join(', ')} } = ${load};` : `${load};`;
}

export function tryParse(
  code: string,
  sourceType: 'script' | 'module' = 'script',
): acorn.Program | SyntaxError {
  try {
    return acorn.parse(code, {
      ecmaVersion: 'latest',
      sourceType,
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      locations: true,
    });
  } catch (error) {
    if (error instanceof SyntaxError) return error;
    return new SyntaxError(String(error));
  }
}

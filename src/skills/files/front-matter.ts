/**
 * The small YAML subset SKILL.md front matter uses: `key: value` lines, one nested map (`metadata:`),
 * double- or single-quoted scalars, `|` and `>` block scalars. Written values are JSON strings, which
 * are valid YAML double-quoted scalars, so what we write reads back exactly.
 */

export interface FrontMatter {
  fields: Record<string, string>;
  metadata: Record<string, string>;
  body: string;
}

function scalar(raw: string, where: string): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // reported below
    }
    throw new Error(`${where}: the quoted value ${value.slice(0, 40)} is not closed or not valid`);
  }
  if (value.startsWith("'")) {
    if (!value.endsWith("'") || value.length < 2)
      throw new Error(`${where}: the quoted value ${value.slice(0, 40)} is not closed`);
    return value.slice(1, -1).replace(/''/g, "'");
  }
  return value.replace(/\s+#.*$/, '');
}

/** Split a SKILL.md into front matter fields, the `metadata` map and the body. Throws on malformed input. */
export function parseFrontMatter(text: string, file = 'SKILL.md'): FrontMatter {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: must start with front matter between --- lines`);
  const lines = (match[1] ?? '').split(/\r?\n/);
  const fields: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  let target: Record<string, string> = fields;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const indented = /^\s+/.test(line);
    if (!indented) target = fields;
    const kv = /^\s*([A-Za-z0-9_.-]+):(?:\s(.*))?$/.exec(line);
    if (!kv) throw new Error(`${file}: cannot read front matter line ${i + 2}: ${line.trim().slice(0, 60)}`);
    const key = kv[1] ?? '';
    const rest = (kv[2] ?? '').trim();
    if (!indented && key === 'metadata' && rest === '') {
      target = metadata;
      continue;
    }
    if (rest === '|' || rest === '>' || rest === '|-' || rest === '>-') {
      const block: string[] = [];
      while (
        i + 1 < lines.length &&
        (/^\s+/.test(lines[i + 1] ?? '') || (lines[i + 1] ?? '').trim() === '')
      ) {
        block.push((lines[i + 1] ?? '').trim());
        i++;
      }
      target[key] = rest.startsWith('|')
        ? block.join('\n').trim()
        : block.join(' ').replace(/\s+/g, ' ').trim();
      continue;
    }
    target[key] = scalar(rest, `${file} ${key}`);
  }
  return { fields, metadata, body: match[2] ?? '' };
}

/** Front matter text for `fields` and `metadata` (values written as JSON strings where needed). */
export function formatFrontMatter(fields: Record<string, string>, metadata: Record<string, string>): string {
  const value = (text: string) => (/^[a-z0-9][a-z0-9-]*$/.test(text) ? text : JSON.stringify(text));
  const lines = ['---', ...Object.entries(fields).map(([key, text]) => `${key}: ${value(text)}`)];
  const meta = Object.entries(metadata);
  if (meta.length > 0) lines.push('metadata:', ...meta.map(([key, text]) => `  ${key}: ${value(text)}`));
  lines.push('---');
  return `${lines.join('\n')}\n`;
}

/**
 * The model's Markdown answers, made readable on a terminal: headings and **bold** in bold, `code`
 * in colour, fenced code blocks in a gutter, tables as aligned columns, lists with bullets, links as
 * "text (url)". Only for a TTY: in a pipe the answer is printed as it came (Markdown is plain text).
 */
import type { Paint } from './print.ts';

export interface MarkdownOptions {
  paint: Paint;
  /** Columns available (tables wider than this are left as they came). */
  width: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

export function renderMarkdown(markdown: string, options: MarkdownOptions): string {
  const { paint } = options;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker); i++)
        body.push(lines[i] ?? '');
      const lang = fence[2] ? paint.dim(`  ${fence[2]}`) : '';
      if (lang) out.push(lang);
      for (const code of body) out.push(`${paint.dim('  │ ')}${paint.cyan(code)}`);
      continue;
    }
    if (line.includes('|') && TABLE_RULE.test(lines[i + 1] ?? '')) {
      const rows = [line];
      const rule = lines[i + 1] ?? '';
      for (i += 2; i < lines.length && (lines[i] ?? '').includes('|'); i++) rows.push(lines[i] ?? '');
      i--;
      out.push(...renderTable(rows, rule, options));
      continue;
    }
    out.push(renderLine(line, paint));
  }
  return out.join('\n');
}

function renderLine(line: string, paint: Paint): string {
  const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return paint.bold(inline(heading[2] ?? '', paint));
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return paint.dim('─'.repeat(20));
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return `${paint.dim('│ ')}${paint.italic(inline(quote[1] ?? '', paint))}`;
  const bullet = /^(\s*)[-*+]\s+(\[[ xX]\]\s+)?(.*)$/.exec(line);
  if (bullet) {
    const box = bullet[2] ? (bullet[2].trim() === '[ ]' ? '☐ ' : '☑ ') : '';
    return `${bullet[1]}• ${box}${inline(bullet[3] ?? '', paint)}`;
  }
  return inline(line, paint);
}

/** Inline Markdown: `code`, **bold**, *italic*, [text](url). Code spans are left alone inside. */
function inline(text: string, paint: Paint): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) return paint.cyan(part.slice(1, -1));
      return part
        .replace(/\[([^\]]+)\]\((\S+?)\)/g, (_, label: string, url: string) =>
          label === url ? url : `${label} (${paint.dim(url)})`,
        )
        .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, (_, _m: string, body: string) => paint.bold(body))
        .replace(
          /(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g,
          (_, before: string, body: string) => `${before}${paint.italic(body)}`,
        );
    })
    .join('');
}

/** A GitHub-style table as aligned columns (the header bold, numbers right-aligned), cells as their text. */
function renderTable(rows: string[], ruleLine: string, options: MarkdownOptions): string[] {
  const { paint } = options;
  const cells = rows.map(splitRow);
  const columns = Math.max(...cells.map((row) => row.length));
  const plain = cells.map((row) => Array.from({ length: columns }, (_, c) => stripInline(row[c] ?? '')));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(...plain.map((row) => [...(row[c] ?? '')].length)),
  );
  const total = widths.reduce((sum, w) => sum + w, 0) + 3 * (columns - 1);
  if (total > options.width) return [rows[0] ?? '', ruleLine, ...rows.slice(1)];
  const numeric = Array.from({ length: columns }, (_, c) =>
    plain.slice(1).every((row) => /^[-+]?[$€£]?[\d,.]+%?$/.test(row[c] ?? '') || (row[c] ?? '') === ''),
  );
  const pad = (text: string, c: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[c] ?? 0) - [...text].length));
    return numeric[c] ? `${gap}${text}` : `${text}${gap}`;
  };
  const render = (row: string[], r: number) =>
    row
      .map((text, c) => {
        const padded = pad(text, c);
        return r === 0 ? paint.bold(padded) : padded;
      })
      .join(paint.dim(' │ '));
  const rule = paint.dim(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  return [render(plain[0] ?? [], 0), rule, ...plain.slice(1).map((row, r) => render(row, r + 1))];
}

function splitRow(row: string): string[] {
  const trimmed = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** Inline Markdown reduced to its text, for measuring and aligning table cells. */
function stripInline(text: string): string {
  return text
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/\[([^\]]+)\]\((\S+?)\)/g, '$1');
}

/**
 * @name format-table
 * @description Format rows of objects as an aligned, monospace text table inside a Discord code block
 *   (numbers right-aligned, long cells cut with …), dropping rows that do not fit under a message's
 *   2000-character limit and saying how many were left out. Use it to show tabular results in chat.
 * @signature formatTable(rows: object[], options?: { columns?: string[], maxChars?: number, maxCellWidth?: number }): string
 * @example await formatTable([{ region: 'EU', total: 1500 }, { region: 'US', total: 250.5 }])
 * @expected "```\nregion | total\n-------+------\nEU     |  1500\nUS     | 250.5\n```"
 */
function formatTable(rows, options = {}) {
  if (!Array.isArray(rows)) throw new TypeError('formatTable: rows must be an array of objects');
  const maxChars = options.maxChars ?? 1990;
  const maxCellWidth = options.maxCellWidth ?? 30;
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row ?? {})))];
  if (columns.length === 0) return '```\n(no rows)\n```';

  const cell = (value) => {
    const text =
      value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    const flat = text.replace(/\s+/g, ' ');
    return flat.length > maxCellWidth ? `${flat.slice(0, maxCellWidth - 1)}…` : flat;
  };
  const cells = rows.map((row) => columns.map((column) => cell(row?.[column])));
  const numeric = columns.map(
    (_, i) => cells.length > 0 && cells.every((r) => r[i] === '' || /^-?[\d,.]+%?$/.test(r[i])),
  );
  const widths = columns.map((column, i) => Math.max(cell(column).length, ...cells.map((r) => r[i].length)));
  const line = (values) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join(' | ')
      .trimEnd();
  const header = [line(columns.map(cell)), widths.map((w) => '-'.repeat(w)).join('-+-')];

  const out = [...header];
  let size = header.join('\n').length + 8;
  let shown = 0;
  for (const row of cells) {
    const text = line(row);
    if (size + text.length + 1 + 30 > maxChars) break;
    out.push(text);
    size += text.length + 1;
    shown++;
  }
  if (shown < cells.length) out.push(`… ${cells.length - shown} more rows`);
  return `\`\`\`\n${out.join('\n')}\n\`\`\``;
}

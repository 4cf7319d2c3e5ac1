/**
 * @name to-csv
 * @description Turn an array of objects into CSV text with a header row, quoting fields that hold
 *   the delimiter, quotes or line breaks (RFC 4180), and writing objects as JSON. Use it to export
 *   results as a .csv file for a spreadsheet.
 * @signature toCsv(rows: object[], options?: { columns?: string[], delimiter?: string }): string
 * @example await toCsv([{ name: 'Smith, J', note: 'said "hi"' }, { name: 'Lee', note: null }])
 * @expected "name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\nLee,\r\n"
 */
function toCsv(rows, options = {}) {
  if (!Array.isArray(rows)) throw new TypeError('toCsv: rows must be an array of objects');
  const delimiter = options.delimiter ?? ',';
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row ?? {})))];
  const field = (value) => {
    const text =
      value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    return text.includes(delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)
      ? `"${text.replace(/"/g, '""')}"`
      : text;
  };
  const lines = [
    columns.map(field).join(delimiter),
    ...rows.map((row) => columns.map((c) => field(row?.[c])).join(delimiter)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

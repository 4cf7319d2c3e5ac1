/**
 * @name parse-csv
 * @description Parse CSV text (comma, semicolon or tab separated) into row objects keyed by the
 *   header. Reads quoted fields with embedded commas, quotes and line breaks, and cleans messy
 *   headers (trims them, names blank ones column_N, suffixes duplicates _2). Use it to read an
 *   attached .csv file before any analysis.
 * @signature parseCsv(text: string, options?: { delimiter?: string, header?: boolean }): Array<Record<string, string>> | string[][]
 * @example await parseCsv('Name , Amount,Amount\n"Smith, J",12,3\n"Say ""hi""",4,5\n')
 * @expected [{"Name":"Smith, J","Amount":"12","Amount_2":"3"},{"Name":"Say \"hi\"","Amount":"4","Amount_2":"5"}]
 */
function parseCsv(text, options = {}) {
  if (typeof text !== 'string') throw new TypeError('parseCsv: text must be a string');
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  const delimiter =
    options.delimiter ??
    [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length]).sort((a, b) => b[1] - a[1])[0][0];

  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0].trim() !== '') rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (quoted) throw new Error('parseCsv: a quoted field is not closed');
  if (field !== '' || row.length > 0) {
    row.push(field);
    if (row.length > 1 || row[0].trim() !== '') rows.push(row);
  }
  if (options.header === false) return rows;

  const [head = [], ...body] = rows;
  const seen = new Map();
  const keys = head.map((raw, index) => {
    const base = raw.replace(/\s+/g, ' ').trim() || `column_${index + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
  return body.map((cells) => {
    const record = {};
    keys.forEach((key, index) => {
      record[key] = (cells[index] ?? '').trim();
    });
    return record;
  });
}

/**
 * @name parse-date
 * @description Parse a date written in any common way into an ISO date (YYYY-MM-DD): ISO and
 *   YYYY/MM/DD, DD/MM/YYYY or MM/DD/YYYY (dayFirst chooses when ambiguous; a part over 12 decides),
 *   '4 March 2024', 'March 4, 2024', 'Mar 4 24', and Unix timestamps in seconds or milliseconds.
 *   Returns null when it is not a date. Use it to normalise a date column with mixed formats.
 * @signature parseDate(value: string | number, options?: { dayFirst?: boolean }): string | null
 * @example ['2024-03-04', '04/03/2024', '3/14/2024', '4 March 2024', 'Mar 4, 24', 1709510400, 'soon'].map((v) => parseDate(v, { dayFirst: true }))
 * @expected ["2024-03-04", "2024-03-04", "2024-03-14", "2024-03-04", "2024-03-04", "2024-03-04", null]
 */
function parseDate(value, options = {}) {
  const iso = (y, m, d) => {
    const year = y < 100 ? 2000 + y : y;
    const date = new Date(Date.UTC(year, m - 1, d));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      return null;
    return date.toISOString().slice(0, 10);
  };
  if (typeof value === 'number' || /^\d{9,13}$/.test(String(value).trim())) {
    const n = Number(value);
    if (!Number.isFinite(n)) return null;
    return new Date(n < 1e11 ? n * 1000 : n).toISOString().slice(0, 10);
  }
  const text = String(value ?? '')
    .trim()
    .toLowerCase();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(text);
  if (m) return iso(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/.exec(text);
  if (m) {
    const a = +m[1];
    const b = +m[2];
    const dayFirst = a > 12 ? true : b > 12 ? false : (options.dayFirst ?? false);
    return dayFirst ? iso(+m[3], b, a) : iso(+m[3], a, b);
  }
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const month = (word) => months.indexOf(word.slice(0, 3)) + 1;
  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2}|\d{4})$/.exec(text);
  if (m && month(m[2]) > 0) return iso(+m[3], month(m[2]), +m[1]);
  m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2}|\d{4})$/.exec(text);
  if (m && month(m[1]) > 0) return iso(+m[3], month(m[1]), +m[2]);
  return null;
}

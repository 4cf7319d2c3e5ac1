/**
 * @name clean-number
 * @description Turn a messy number or currency string into a number: strips currency symbols and
 *   codes, thousands separators and spaces; reads (12) and trailing minus as negative, 1.2k / 3M / 2bn
 *   suffixes, percentages (45% -> 45, or 0.45 with percentAsFraction), and European 1.234,56. Returns
 *   null for blanks and text that is not a number. Use it to clean amount, price or total columns.
 * @signature cleanNumber(value: string | number | null, options?: { decimal?: '.' | ',', percentAsFraction?: boolean }): number | null
 * @example ['$1,234.50', '(12)', '1.2k', '45%', '€ 1.234,56', 'EUR -3', 'n/a', 7].map((v) => cleanNumber(v))
 * @expected [1234.5, -12, 1200, 45, 1234.56, -3, null, 7]
 */
function cleanNumber(value, options = {}) {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || value === undefined) return null;
  let text = String(value).trim().toLowerCase();
  if (text === '') return null;

  let sign = 1;
  if (/^\(.*\)$/.test(text)) {
    sign = -1;
    text = text.slice(1, -1);
  }
  if (/-\s*$/.test(text)) {
    sign = -sign;
    text = text.replace(/-\s*$/, '');
  }
  const percent = text.includes('%');
  const scale = { k: 1e3, m: 1e6, mm: 1e6, bn: 1e9, b: 1e9 };
  let multiplier = 1;
  const suffix = /(\d)\s*(k|mm|m|bn|b)$/.exec(text);
  if (suffix) {
    multiplier = scale[suffix[2]];
    text = text.slice(0, text.length - suffix[2].length);
  }
  text = text.replace(/[a-z$€£¥%\s'\u00a0]/g, '');
  if (text.startsWith('-')) {
    sign = -sign;
    text = text.slice(1);
  }
  if (text.startsWith('+')) text = text.slice(1);

  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let decimal = options.decimal;
  if (!decimal) {
    if (lastDot >= 0 && lastComma >= 0) decimal = lastComma > lastDot ? ',' : '.';
    else if (lastComma >= 0) decimal = /,\d{3}$/.test(text) && !/,\d{3},\d{1,2}$/.test(text) ? '.' : ',';
    else decimal = '.';
  }
  const thousands = decimal === '.' ? /,/g : /\./g;
  text = text.replace(thousands, '');
  if (decimal === ',') text = text.replace(',', '.');
  if (!/^\d*\.?\d+$|^\d+\.$/.test(text)) return null;

  let number = sign * Number(text) * multiplier;
  if (percent && options.percentAsFraction) number /= 100;
  return Math.round(number * 1e10) / 1e10;
}

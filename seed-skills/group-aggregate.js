/**
 * @name group-aggregate
 * @description Group rows by one or more key fields and aggregate a numeric field per group: count,
 *   sum, mean, min and max (values are cleaned of currency symbols and thousands separators; blanks
 *   are skipped). Sorted by sum, largest first. Use it for totals or averages per category, region,
 *   month or person.
 * @signature groupAggregate(rows: object[], by: string | string[], field: string): Array<{ [key: string]: string | number, count: number, sum: number, mean: number | null, min: number | null, max: number | null }>
 * @example await groupAggregate([{ region: 'EU', amount: '$1,000' }, { region: 'US', amount: 250 }, { region: 'EU', amount: '500' }, { region: 'US', amount: '' }], 'region', 'amount')
 * @expected [{"region":"EU","count":2,"sum":1500,"mean":750,"min":500,"max":1000},{"region":"US","count":2,"sum":250,"mean":250,"min":250,"max":250}]
 */
function groupAggregate(rows, by, field) {
  if (!Array.isArray(rows)) throw new TypeError('groupAggregate: rows must be an array of objects');
  const keys = Array.isArray(by) ? by : [by];
  if (keys.length === 0 || keys.some((key) => typeof key !== 'string')) {
    throw new TypeError('groupAggregate: by must be a field name or a list of field names');
  }
  const toNumber = (value) => {
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    const text = String(value ?? '').replace(/[^0-9.,()-]/g, '');
    if (!/\d/.test(text)) return null;
    const negative = /^\(.*\)$/.test(text) || text.startsWith('-');
    const number = Number(text.replace(/[(),-]/g, ''));
    return Number.isFinite(number) ? (negative ? -number : number) : null;
  };
  const groups = new Map();
  for (const row of rows) {
    const groupKey = JSON.stringify(keys.map((key) => row?.[key] ?? ''));
    let group = groups.get(groupKey);
    if (!group) {
      group = { values: keys.map((key) => row?.[key] ?? ''), count: 0, numbers: [] };
      groups.set(groupKey, group);
    }
    group.count++;
    const number = toNumber(row?.[field]);
    if (number !== null) group.numbers.push(number);
  }
  const round = (n) => Math.round(n * 1e9) / 1e9;
  return [...groups.values()]
    .map((group) => {
      const sum = group.numbers.reduce((total, n) => total + n, 0);
      const result = {};
      keys.forEach((key, i) => {
        result[key] = group.values[i];
      });
      result.count = group.count;
      result.sum = round(sum);
      result.mean = group.numbers.length ? round(sum / group.numbers.length) : null;
      result.min = group.numbers.length ? Math.min(...group.numbers) : null;
      result.max = group.numbers.length ? Math.max(...group.numbers) : null;
      return result;
    })
    .sort((a, b) => b.sum - a.sum);
}

/** A distiller's answer for a "total per key column" task, as the cheaper model would write it. */
export const distilled = {
  name: 'total-by-column',
  description:
    'Total a numeric CSV column per value of a key column. Use it for sums per region, category or person.',
  signature: 'totalByColumn(csv: string, keyIndex: number, valueIndex: number): Record<string, number>',
  code: [
    'function totalByColumn(csv, keyIndex, valueIndex) {',
    "  const rows = csv.trim().split('\\n').slice(1).map((line) => line.split(','));",
    '  const totals = {};',
    '  for (const row of rows) totals[row[keyIndex]] = (totals[row[keyIndex]] ?? 0) + Number(row[valueIndex]);',
    '  return totals;',
    '}',
  ].join('\n'),
  example: "await totalByColumn('region,amount\\nEU,1000\\nUS,250\\nEU,500', 0, 1)",
  expected: { EU: 1500, US: 250 },
};

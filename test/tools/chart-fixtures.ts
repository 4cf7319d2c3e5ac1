/** What the chart tests share: the chart limits, a small sales CSV and a bar chart spec over it. */

export const LIMITS = { maxFileBytes: 5_000_000, maxPixels: 2_000_000, maxPoints: 5_000, timeoutMs: 15_000 };

export const SALES = 'Region,Revenue,Units\nNorth,120.5,3\nSouth,98,5\nEast,143.25,2\nWest,77,9\n';

/** Revenue by region as bars, with `extra` spec fields on top. */
export const bars = (extra: Record<string, unknown> = {}) => ({
  mark: 'bar',
  encoding: {
    x: { field: 'Region', type: 'nominal' },
    y: { field: 'Revenue', type: 'quantitative' },
  },
  ...extra,
});

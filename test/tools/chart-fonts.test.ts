/**
 * Vega measures chart text with DejaVu Sans advances read from the font file (font-metrics.ts); resvg
 * draws it with the same file. The measured width must match what resvg draws, or labels overlap and
 * legends are cut: checked against resvg's own bounding box of the drawn text.
 */
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CHART_FONT_FAMILY, chartFonts } from '../../src/tools/builtin/chart/chart-fonts.ts';
import { readFontMetrics } from '../../src/tools/builtin/chart/font-metrics.ts';

const fonts = chartFonts();

function drawnWidth(text: string, weight: string, size: number): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="100"><text x="0" y="60" font-family="${CHART_FONT_FAMILY}" font-weight="${weight}" font-size="${size}">${text}</text></svg>`;
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fonts.files, defaultFontFamily: CHART_FONT_FAMILY },
  });
  return resvg.getBBox()?.width ?? 0;
}

describe('chart font metrics', () => {
  it('reads the family name of the shipped fonts', () => {
    expect(readFontMetrics(readFileSync(fonts.regular)).family).toBe('DejaVu Sans');
    expect(readFontMetrics(readFileSync(fonts.bold)).family).toBe('DejaVu Sans');
  });

  it.each([
    ['Revenue by region', 'normal', 11],
    ['Überblick — 1 234,5 €', 'normal', 20],
    ['Region', 'bold', 13],
    ['Привет мир ΑΒΓ', 'normal', 16],
    ['iiiiii', 'normal', 20],
    ['WWWWWW', 'bold', 20],
  ])('measures "%s" (%s, %ipx) as wide as resvg draws it', (text, weight, size) => {
    const metrics = readFontMetrics(readFileSync(weight === 'bold' ? fonts.bold : fonts.regular));
    const measured = metrics.width(text, size);
    const drawn = drawnWidth(text, weight, size);
    // The drawn box is the ink, without the first glyph's left bearing and the last one's right side,
    // and resvg kerns pairs such as "Re": allow a quarter em, or 5% on long text.
    expect(drawn).toBeGreaterThan(0);
    expect(measured).toBeGreaterThanOrEqual(drawn - 0.5);
    expect(measured - drawn).toBeLessThan(Math.max(0.25 * size, 0.05 * measured));
  });

  it('is far closer than Vega’s own estimate without a canvas (0.8 em per character)', () => {
    const metrics = readFontMetrics(readFileSync(fonts.regular));
    const text = 'Revenue by region';
    const drawn = drawnWidth(text, 'normal', 11);
    expect(Math.abs(metrics.width(text, 11) - drawn)).toBeLessThan(0.05 * drawn);
    expect(Math.abs(0.8 * text.length * 11 - drawn)).toBeGreaterThan(0.3 * drawn);
  });
});

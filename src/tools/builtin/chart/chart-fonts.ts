/**
 * The fonts charts are drawn with: DejaVu, shipped by the `dejavu-fonts-ttf` package as plain TTF files
 * (resvg loads TrueType/OpenType, not the WOFF files most font packages carry), so text renders the same
 * on a fresh machine with no system fonts. DejaVu covers Latin, Greek, Cyrillic and many symbols.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The one family charts are drawn in: Vega is told to use it, and resvg draws every other family named
 * in a spec (Arial, serif, monospace, ...) in it too, so Vega's text measuring is always right.
 */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

export interface ChartFonts {
  /** Every font file resvg loads: the four DejaVu Sans faces. */
  files: string[];
  /** The regular and bold sans faces, whose advances Vega measures text with. */
  regular: string;
  bold: string;
}

/** The font files, resolved inside the installed `dejavu-fonts-ttf` package. */
export function chartFonts(): ChartFonts {
  const dir = path.join(
    path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
    'ttf',
  );
  const file = (name: string) => path.join(dir, `${name}.ttf`);
  const regular = file('DejaVuSans');
  const bold = file('DejaVuSans-Bold');
  return {
    regular,
    bold,
    files: [regular, bold, file('DejaVuSans-Oblique'), file('DejaVuSans-BoldOblique')],
  };
}

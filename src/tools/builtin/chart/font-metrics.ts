/**
 * Advance widths from a TrueType/OpenType font file (the `cmap`, `hhea`, `hmtx` and `head` tables), so
 * Vega lays out labels with the widths of the font resvg draws them in rather than its 0.8 em guess.
 * Kerning and shaping are left out: they move a label by a pixel or two, not enough to clip it.
 */

/** Text widths measured with one font's glyph advances. */
export interface FontMetrics {
  /** The font's family name (name table, ID 1), e.g. "DejaVu Sans". */
  family: string;
  /** Width of `text` at `fontSize` pixels. */
  width(text: string, fontSize: number): number;
}

/** Read the metrics of a font file (TTF or OTF). Throws on a file that is not a usable font. */
export function readFontMetrics(data: Uint8Array): FontMetrics {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tables = new Map<string, number>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(...data.subarray(at, at + 4));
    tables.set(tag, view.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`the font has no "${tag}" table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const longMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, longMetrics - 1));
  const glyphOf = readCmap(view, table('cmap'));
  const family = readFamily(view, data, table('name'));

  const cache = new Map<number, number>();
  const unitsOf = (codePoint: number): number => {
    let units = cache.get(codePoint);
    if (units === undefined) {
      units = advance(glyphOf(codePoint));
      cache.set(codePoint, units);
    }
    return units;
  };
  return {
    family,
    width(text, fontSize) {
      let units = 0;
      for (const char of text) units += unitsOf(char.codePointAt(0) ?? 0);
      return (units * fontSize) / unitsPerEm;
    },
  };
}

/** A code point -> glyph lookup from the best Unicode subtable (format 12, else format 4). */
function readCmap(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    const offset = cmap + view.getUint32(cmap + 8 + i * 8);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(offset);
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }
  if (format12 !== undefined) {
    const at = format12;
    const groups = view.getUint32(at + 12);
    return (codePoint) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const group = at + 16 + mid * 12;
        if (codePoint < view.getUint32(group)) hi = mid - 1;
        else if (codePoint > view.getUint32(group + 4)) lo = mid + 1;
        else return view.getUint32(group + 8) + codePoint - view.getUint32(group);
      }
      return 0;
    };
  }
  if (format4 === undefined) throw new Error('the font has no Unicode character map');
  const at = format4;
  const segments = view.getUint16(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const ranges = deltas + segments * 2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (codePoint > view.getUint16(ends + i * 2)) continue;
      const start = view.getUint16(starts + i * 2);
      if (codePoint < start) return 0;
      const delta = view.getInt16(deltas + i * 2);
      const rangeAt = ranges + i * 2;
      const range = view.getUint16(rangeAt);
      if (range === 0) return (codePoint + delta) & 0xffff;
      const glyph = view.getUint16(rangeAt + range + (codePoint - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/** The family name (name ID 1), preferring the Windows Unicode record. */
function readFamily(view: DataView, data: Uint8Array, name: number): string {
  const count = view.getUint16(name + 2);
  const strings = name + view.getUint16(name + 4);
  let fallback = '';
  for (let i = 0; i < count; i++) {
    const record = name + 6 + i * 12;
    if (view.getUint16(record + 6) !== 1) continue;
    const platform = view.getUint16(record);
    const length = view.getUint16(record + 8);
    const offset = strings + view.getUint16(record + 10);
    const bytes = data.subarray(offset, offset + length);
    if (platform === 3 || platform === 0) {
      let text = '';
      for (let j = 0; j + 1 < bytes.length; j += 2)
        text += String.fromCharCode(((bytes[j] ?? 0) << 8) | (bytes[j + 1] ?? 0));
      return text;
    }
    fallback ||= String.fromCharCode(...bytes);
  }
  if (!fallback) throw new Error('the font has no family name');
  return fallback;
}

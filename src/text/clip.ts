/**
 * The one clip helper of the output budget: keeps the head and the tail of a long text with a note
 * of how much of the middle was cut, and never returns more than `maxChars` characters (the note
 * included). Self-contained on purpose: the sandbox runtime loads this same file to clip long
 * console lines inside the isolate, so the host and the isolate cut alike.
 */

/** Head and tail of `text` within `maxChars` (note included); `cut` is the number of characters dropped. */
export function clip(text: string, maxChars: number): { text: string; cut: number } {
  if (text.length <= maxChars) return { text, cut: 0 };
  let cut = text.length - maxChars;
  let note = '';
  let half = 0;
  // The note's length depends on the number it shows: settle it (twice is always enough).
  for (let i = 0; i < 3; i++) {
    note = `\n… [${cut.toLocaleString('en-US')} characters cut] …\n`;
    half = Math.max(1, Math.floor((maxChars - note.length) / 2));
    cut = text.length - 2 * half;
  }
  note = `\n… [${cut.toLocaleString('en-US')} characters cut] …\n`;
  return { text: `${text.slice(0, half)}${note}${text.slice(-half)}`, cut };
}

/**
 * @name split-message
 * @description Split long text into chunks that each fit a Discord message (2000 characters by
 *   default), breaking at line ends where possible and re-opening code blocks that a split cut in two.
 *   Use it when a report or listing is too long to post at once.
 * @signature splitMessage(text: string, options?: { maxChars?: number }): string[]
 * @example await splitMessage('line one\nline two\nline three', { maxChars: 20 })
 * @expected ["line one\nline two", "line three"]
 */
function splitMessage(text, options = {}) {
  if (typeof text !== 'string') throw new TypeError('splitMessage: text must be a string');
  const maxChars = options.maxChars ?? 2000;
  if (maxChars < 20) throw new RangeError('splitMessage: maxChars must be at least 20');
  const chunks = [];
  let current = '';
  let fence = null;
  const flush = () => {
    if (current === '') return;
    chunks.push(fence !== null ? `${current}\n\`\`\`` : current);
    current = fence !== null ? `\`\`\`${fence}` : '';
  };
  const budget = () => maxChars - (fence !== null ? 4 : 0);
  for (const rawLine of text.split('\n')) {
    let line = rawLine;
    while (line.length > 0 || rawLine === '') {
      const joined = current === '' ? line : `${current}\n${line}`;
      if (joined.length <= budget()) {
        current = joined;
        break;
      }
      if (current !== '' && current !== `\`\`\`${fence ?? ''}`) {
        flush();
        continue;
      }
      const room = budget() - (current === '' ? 0 : current.length + 1);
      current = current === '' ? line.slice(0, room) : `${current}\n${line.slice(0, room)}`;
      line = line.slice(room);
      flush();
    }
    const marker = /^\s*```(\S*)/.exec(rawLine);
    if (marker) fence = fence === null ? marker[1] : null;
  }
  if (current !== '' && current !== `\`\`\`${fence ?? ''}`) chunks.push(current);
  return chunks;
}

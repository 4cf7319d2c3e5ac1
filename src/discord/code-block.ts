/** A code block for a Discord message: fences inside the code cannot close it early. */
export function codeBlock(code: string, maxChars: number, language = 'js'): string {
  const safe = code.replaceAll('```', '`\u200b``');
  const body = safe.length > maxChars ? `${safe.slice(0, maxChars - 1)}…` : safe;
  return `\`\`\`${language}\n${body}\n\`\`\``;
}

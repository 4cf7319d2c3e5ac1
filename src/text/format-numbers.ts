/** Numbers for people: sizes and counts, in the messages, the terminal and the agent's prompts. */

/** A size: "512 B", "1.5 KB", "2.0 MB", "1.0 GB" (Discord messages, the agent's file list, limits). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/**
 * A count with its thousands grouped: "1,234,567", as `toLocaleString('en-US')` writes it, but
 * without loading ICU's locale data (~20 ms at its first use, in every start of `toolsmith run`).
 * A number that is not a safe integer is left to `toLocaleString`.
 */
export function formatCount(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return value < 0 || Object.is(value, -0) ? `-${grouped}` : grouped;
}

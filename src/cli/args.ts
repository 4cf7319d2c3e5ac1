/** Command-line helpers beyond `util.parseArgs`. */

/**
 * Take a flag whose value is optional (`--resume`, `--resume ID`, `--resume=ID`) out of `argv`, which
 * `parseArgs` cannot express; the rest is left for `parseArgs`.
 */
export function takeOptionalValue(
  argv: readonly string[],
  flag: string,
): { rest: string[]; present: boolean; value: string | undefined } {
  const rest: string[] = [];
  let present = false;
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === flag) {
      present = true;
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        value = next;
        i++;
      }
    } else if (arg.startsWith(`${flag}=`)) {
      present = true;
      value = arg.slice(flag.length + 1) || undefined;
    } else rest.push(arg);
  }
  return { rest, present, value };
}

/** Discord snowflakes: 42 bits of milliseconds since the Discord epoch, then worker, process and increment. */

/** 2015-01-01T00:00:00.000Z, the epoch of Discord snowflakes. */
export const DISCORD_EPOCH = 1_420_070_400_000;

export interface SnowflakeFactory {
  /** A new id, unique within this factory, whose timestamp is `at` (default: now). */
  next(at?: number): string;
}

/** Create a snowflake generator; ids are strictly increasing even within one millisecond. */
export function createSnowflakes(now: () => number = Date.now): SnowflakeFactory {
  let last = 0n;
  return {
    next(at = now()) {
      let id = (BigInt(Math.max(at, DISCORD_EPOCH) - DISCORD_EPOCH) << 22n) | (1n << 17n);
      if (id <= last) id = last + 1n;
      last = id;
      return id.toString();
    },
  };
}

/** The creation time (ms since the Unix epoch) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

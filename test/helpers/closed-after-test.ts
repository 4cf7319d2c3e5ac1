/**
 * A vitest fixture that hands a test a factory (`make`'s) and closes what the test made with it when
 * the test ends: the tests of a file can then run together (`describe.concurrent`, with the test's own
 * `expect`), each with its own hubs, bots or servers.
 */
export function closedAfterTest<A extends unknown[], T extends { close(): Promise<unknown> }>(
  make: (...args: A) => Promise<T>,
) {
  // biome-ignore lint/correctness/noEmptyPattern: a vitest fixture names what it needs in this pattern
  return async ({}: object, use: (factory: (...args: A) => Promise<T>) => Promise<void>) => {
    const made: T[] = [];
    await use(async (...args) => {
      const item = await make(...args);
      made.push(item);
      return item;
    });
    await Promise.all(made.map((item) => item.close()));
  };
}

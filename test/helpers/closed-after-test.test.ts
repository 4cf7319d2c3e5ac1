import { it as base, describe, expect } from 'vitest';
import { closedAfterTest } from './closed-after-test.ts';

interface Thing {
  name: string;
  closed: boolean;
  close(): Promise<void>;
}
const made: Thing[] = [];
const it = base.extend<{ make: (name: string) => Promise<Thing> }>({
  make: closedAfterTest(async (name: string) => {
    const thing: Thing = {
      name,
      closed: false,
      async close() {
        thing.closed = true;
      },
    };
    made.push(thing);
    return thing;
  }),
});

describe('closedAfterTest', () => {
  it('hands the test a factory; what it made is open during the test', async ({ make }) => {
    const [a, b] = [await make('a'), await make('b')];
    expect([a.closed, b.closed]).toEqual([false, false]);
  });

  it('closed everything the previous test made once it ended', () => {
    expect(made.map((thing) => [thing.name, thing.closed])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });
});

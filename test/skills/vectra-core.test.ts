import { describe, expect, it } from 'vitest';
import { JsonCodec, LocalFileStorage, LocalIndex } from '../../src/skills/index/vectra-core.ts';

describe('vectra-core', () => {
  it('loads the very classes vectra exports, without its document pipeline', async () => {
    const vectra = await import('vectra');
    expect(LocalIndex).toBe(vectra.LocalIndex);
    expect(LocalFileStorage).toBe(vectra.LocalFileStorage);
    expect(JsonCodec).toBe(vectra.JsonCodec);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProfiles, loadProfiles } from '../../src/service/profiles.ts';

const MODELS = ['claude-sonnet-5-5', 'claude-haiku-5-5'];
const where = (guildId: string, channelId: string, categoryId?: string) => ({
  guildId,
  channelId,
  categoryId,
});

describe('channel profiles', () => {
  it('resolves the most specific match: channel, then category, then server, then default', () => {
    const profiles = checkProfiles(
      {
        profiles: { chan: {}, cat: {}, server: {}, base: {} },
        default: 'base',
        servers: { g1: 'server' },
        categories: { k1: 'cat' },
        channels: { c1: 'chan' },
      },
      'p.yaml',
      MODELS,
    );
    expect(profiles.resolve(where('g1', 'c1', 'k1'))?.name).toBe('chan');
    expect(profiles.resolve(where('g1', 'c2', 'k1'))?.name).toBe('cat');
    expect(profiles.resolve(where('g1', 'c2'))?.name).toBe('server');
    expect(profiles.resolve(where('g2', 'c2'))?.name).toBe('base');
  });

  it('stops with one line naming the field: unknown keys, bad values, missing profiles, models not allowed', () => {
    const cases: [unknown, RegExp][] = [
      [{ profiles: { a: { promt: 'typo' } } }, /p\.yaml: profiles\.a: Unrecognized key: "promt"/],
      [{ profiles: { a: { maxSteps: 0 } } }, /profiles\.a\.maxSteps: /],
      [{ profiles: { a: {} }, channels: { c1: 'b' } }, /channels\.c1: no profile named "b"/],
      [{ profiles: { a: { model: 'gpt-9' } } }, /profiles\.a\.model: "gpt-9" is not in ALLOWED_MODELS/],
      [{ profiles: { 'a b': {} } }, /profiles\.a b: Invalid/],
    ];
    for (const [data, message] of cases) expect(() => checkProfiles(data, 'p.yaml', MODELS)).toThrow(message);
  });

  it('reads YAML and JSON files; an unreadable or broken file is a clear error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'toolsmith-profiles-'));
    const yaml = path.join(dir, 'p.yaml');
    writeFileSync(yaml, 'profiles:\n  team:\n    prompt: Be brief.\ndefault: team\n');
    expect((await loadProfiles(yaml, MODELS)).resolve(where('g', 'c'))).toMatchObject({
      name: 'team',
      prompt: 'Be brief.',
    });
    const json = path.join(dir, 'p.json');
    writeFileSync(json, JSON.stringify({ profiles: { team: { tools: ['workspace'] } }, default: 'team' }));
    expect((await loadProfiles(json, MODELS)).resolve(where('g', 'c'))?.tools).toEqual(['workspace']);
    writeFileSync(yaml, 'profiles: [unclosed');
    await expect(loadProfiles(yaml, MODELS)).rejects.toThrow(/PROFILES: .*p\.yaml: \(syntax\)/);
    await expect(loadProfiles(path.join(dir, 'missing.yaml'), MODELS)).rejects.toThrow(
      /PROFILES: cannot read/,
    );
  });
});

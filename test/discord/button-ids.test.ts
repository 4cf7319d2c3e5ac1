import { describe, expect, it } from 'vitest';
import { type ButtonId, buttonId, parseButtonId } from '../../src/discord/button-ids.ts';

describe('button ids', () => {
  it('round-trips every kind', () => {
    const ids: ButtonId[] = [
      { kind: 'stop', sessionId: '1578011181484998656' },
      { kind: 'vote', reportId: '6707a88b-f606-4368-9061-8b5eb6b7ba39', delta: 1 },
      { kind: 'vote', reportId: '6707a88b-f606-4368-9061-8b5eb6b7ba39', delta: -1 },
      { kind: 'skill', reportId: '6707a88b-f606-4368-9061-8b5eb6b7ba39' },
      { kind: 'review', decision: 'approve', scope: '123456789012345678', version: 3, skill: 'parse-csv' },
      { kind: 'review', decision: 'override', scope: '123456789012345678', version: 1, skill: 'parse-csv' },
    ];
    for (const id of ids) expect(parseButtonId(buttonId(id))).toEqual(id);
  });

  it('refuses forged or malformed ids instead of guessing', () => {
    for (const text of [
      'vote:abc:sideways',
      'vote:abc',
      'vote::up',
      'stop:',
      'stop:a:b',
      'skill',
      'review:delete:g:1:x',
      'review:approve:g:0:x',
      'review:approve:g:1.5:x',
      'launch:missiles',
      '',
    ]) {
      expect(parseButtonId(text), text).toBeUndefined();
    }
  });

  it('keeps within Discord’s 100 characters', () => {
    expect(() => buttonId({ kind: 'stop', sessionId: 'x'.repeat(200) })).toThrow(/too long/);
  });
});

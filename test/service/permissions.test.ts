import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createPermissions } from '../../src/service/permissions.ts';
import type { Actor } from '../../src/service/types.ts';

const discordConfig = (env: Record<string, string> = {}) =>
  loadConfig({ DATA_DIR: '/tmp/unused', ...env }).discord;

const member = (overrides: Partial<Actor> = {}): Actor => ({
  userId: 'u1',
  guildId: 'g1',
  channelId: 'c1',
  roleIds: [],
  isGuildAdmin: false,
  ...overrides,
});

describe('createPermissions', () => {
  it('with no allowlist, every member of a server may use the bot, but not in direct messages', () => {
    const permissions = createPermissions(discordConfig());
    expect(permissions.refusal(member())).toBeUndefined();
    expect(permissions.refusal(member({ userId: 'anyone', guildId: 'other-guild' }))).toBeUndefined();
    expect(permissions.refusal(member({ guildId: null, channelId: 'dm' }))).toMatch(/not in direct messages/);
  });

  it('restricts guilds and channels (a thread counts as its parent channel)', () => {
    const permissions = createPermissions(
      discordConfig({ ALLOWED_GUILDS: 'g1, g2', ALLOWED_CHANNELS: 'c1' }),
    );
    expect(permissions.refusal(member())).toBeUndefined();
    expect(permissions.refusal(member({ guildId: 'g3' }))).toMatch(/not enabled in this server/);
    expect(permissions.refusal(member({ guildId: 'g2', channelId: 'c2' }))).toMatch(
      /not enabled in this channel/,
    );
    expect(permissions.refusal(member({ channelId: null }))).toMatch(/not enabled in this channel/);
    // an admin is still bound to the server and channel lists
    expect(permissions.refusal(member({ guildId: 'g3', isGuildAdmin: true }))).toMatch(/this server/);
  });

  it('restricts people by user or role; admins (Administrator or the admin role) always pass', () => {
    const permissions = createPermissions(
      discordConfig({ ALLOWED_USERS: 'u1', ALLOWED_ROLES: 'r-dev', ADMIN_ROLE: 'r-admin' }),
    );
    expect(permissions.refusal(member())).toBeUndefined();
    expect(permissions.refusal(member({ userId: 'u2', roleIds: ['r-dev'] }))).toBeUndefined();
    expect(permissions.refusal(member({ userId: 'u2', roleIds: ['r-other'] }))).toMatch(/not on the list/);
    expect(permissions.refusal(member({ userId: 'u2', roleIds: ['r-admin'] }))).toBeUndefined();
    expect(permissions.refusal(member({ userId: 'u2', isGuildAdmin: true }))).toBeUndefined();
    expect(permissions.isAdmin(member({ roleIds: ['r-admin'] }))).toBe(true);
    expect(permissions.isAdmin(member({ isGuildAdmin: true }))).toBe(true);
    expect(permissions.isAdmin(member({ roleIds: ['r-dev'] }))).toBe(false);
  });

  it('a role list alone restricts too', () => {
    const permissions = createPermissions(discordConfig({ ALLOWED_ROLES: 'r-dev' }));
    expect(permissions.refusal(member())).toMatch(/not on the list/);
    expect(permissions.refusal(member({ roleIds: ['r-dev'] }))).toBeUndefined();
  });

  it('works when its methods are passed around on their own', () => {
    const { refusal, isAdmin } = createPermissions(
      discordConfig({ ALLOWED_USERS: 'u1', ADMIN_ROLE: 'r-admin' }),
    );
    expect(refusal(member({ userId: 'u2', roleIds: ['r-admin'] }))).toBeUndefined();
    expect(refusal(member({ userId: 'u2' }))).toMatch(/not on the list/);
    expect(isAdmin(member({ roleIds: ['r-admin'] }))).toBe(true);
  });
});

/** Gateway payloads built from state: READY, and GUILD_MEMBERS_CHUNK answering op 8. */
import { toApiMember, toApiUser } from './api-shapes.ts';
import type { FakeState, GuildRecord } from './state.ts';

/** READY: the bot user, every guild as unavailable (GUILD_CREATE follows), the session and resume URL. */
export function readyPayload(
  state: FakeState,
  sessionId: string,
  resumeUrl: string,
): Record<string, unknown> {
  const bot = state.users.get(state.botId);
  if (!bot) throw new Error('fake-discord: the bot user is missing');
  return {
    v: 10,
    user: { ...toApiUser(bot), verified: true, mfa_enabled: false, flags: 0 },
    guilds: [...state.guilds.keys()].map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: state.application.id, flags: state.application.flags },
    private_channels: [],
    relationships: [],
    presences: [],
    session_type: 'normal',
    auth: {},
    user_settings: {},
    guild_join_requests: [],
    geo_ordered_rtc_regions: ['fake-local'],
    _trace: ['["fake-discord-gateway",{"micros":0}]'],
  };
}

/** The one chunk answering a Request Guild Members (op 8): by user ids, or by username prefix. */
export function membersChunk(
  state: FakeState,
  guild: GuildRecord,
  d: Record<string, unknown>,
): Record<string, unknown> {
  const wanted = Array.isArray(d.user_ids)
    ? d.user_ids.map(String)
    : typeof d.user_ids === 'string'
      ? [d.user_ids]
      : null;
  const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
  const members = guild.members.filter((member) => {
    if (wanted) return wanted.includes(member.userId);
    return (state.users.get(member.userId)?.username ?? '').toLowerCase().startsWith(query);
  });
  const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : members.length;
  return {
    guild_id: guild.id,
    members: members.slice(0, limit).map((member) => toApiMember(state, member)),
    chunk_index: 0,
    chunk_count: 1,
    not_found: wanted ? wanted.filter((id) => !members.some((m) => m.userId === id)) : [],
    ...(d.nonce === undefined ? {} : { nonce: d.nonce }),
  };
}

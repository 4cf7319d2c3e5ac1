/** What the fake's parts share: state, id source, gateway, CDN, clock and settings. */
import type { AttachmentStore } from './attachments.ts';
import type { FakeGateway } from './gateway.ts';
import type { SnowflakeFactory } from './snowflake.ts';
import type { FakeState } from './state.ts';

export interface FakeSettings {
  token: string;
  heartbeatIntervalMs: number;
  interactionAckMs: number;
  interactionTokenTtlMs: number;
  maxUploadBytes: number;
}

export interface FakeContext {
  state: FakeState;
  ids: SnowflakeFactory;
  gateway: FakeGateway;
  attachments: AttachmentStore;
  settings: FakeSettings;
  now: () => number;
}

/**
 * The fake gateway: a WebSocket server speaking Discord's gateway protocol in plain JSON (discord.js
 * asks for no compression unless zlib-sync is installed). HELLO, IDENTIFY -> READY then GUILD_CREATE,
 * heartbeats, RESUME with replay of missed events, and dispatches filtered by each session's intents.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { toGatewayGuild } from './api-shapes.ts';
import { membersChunk, readyPayload } from './gateway-payloads.ts';
import { isRecord } from './is-record.ts';
import type { FakeState } from './state.ts';
import type { GatewayEventRecord, PrivilegedIntents, SessionView } from './types.ts';

/** Gateway intent bits the fake looks at. */
export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const ALL_INTENTS = (1 << 26) - 1;
/** Dispatches kept per session for RESUME replay. */
const REPLAY_LIMIT = 1000;

/** What a per-session payload builder may look at. */
export interface GatewaySessionInfo {
  id: string;
  intents: number;
}

interface Session extends GatewaySessionInfo {
  token: string;
  properties: unknown;
  identifiedAt: number;
  resumes: number;
  heartbeats: number;
  sequence: number;
  resumable: boolean;
  buffer: Array<{ t: string; s: number; d: unknown }>;
  connection: Connection | null;
}

interface Connection {
  socket: WebSocket;
  session: Session | null;
  chain: Promise<void>;
}

export interface FakeGateway {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Dispatch an event to every session (live, or buffered for resume) having one of `intents` (0: all).
   * `build` returns the payload for a session, or undefined to skip it. Resolves once written.
   */
  dispatch(t: string, build: (session: GatewaySessionInfo) => unknown, intents?: number): Promise<void>;
  /** Sessions with an open, identified connection. */
  liveSessions(): number;
  sessions(): SessionView[];
  readonly events: GatewayEventRecord[];
  disconnectAll(options?: { code?: number; reason?: string; invalidate?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  state: FakeState;
  token: string;
  heartbeatIntervalMs: number;
  gatewayUrl: () => string;
  privilegedIntents: Required<PrivilegedIntents>;
  now: () => number;
}

/** Wait until the client has surely read what was written before: a timer, then a full loop turn. */
const afterClientRead = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 5));

export function createFakeGateway(options: GatewayOptions): FakeGateway {
  const { state } = options;
  const server = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, Session>();
  const connections = new Set<Connection>();
  const events: GatewayEventRecord[] = [];

  const write = (connection: Connection, payload: unknown): Promise<void> => {
    const step = connection.chain.then(
      () =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState !== connection.socket.OPEN) return resolve();
          connection.socket.send(JSON.stringify(payload), () => resolve());
        }),
    );
    connection.chain = step;
    return step;
  };
  const pause = (connection: Connection) => {
    connection.chain = connection.chain.then(afterClientRead);
  };

  const dispatchTo = (session: Session, t: string, d: unknown): Promise<void> => {
    session.sequence += 1;
    const s = session.sequence;
    session.buffer.push({ t, s, d });
    if (session.buffer.length > REPLAY_LIMIT) session.buffer.shift();
    events.push({ sessionId: session.id, t, s, d, at: options.now() });
    const connection = session.connection;
    return connection ? write(connection, { op: 0, t, s, d }) : Promise.resolve();
  };

  const closeWith = (connection: Connection, code: number, reason: string) => {
    connection.socket.close(code, reason);
  };

  const privilegedDenied = (intents: number): boolean => {
    const { guildMembers, guildPresences, messageContent } = options.privilegedIntents;
    return (
      (!guildMembers && (intents & Intents.GuildMembers) !== 0) ||
      (!guildPresences && (intents & Intents.GuildPresences) !== 0) ||
      (!messageContent && (intents & Intents.MessageContent) !== 0)
    );
  };

  const identify = (connection: Connection, d: Record<string, unknown>) => {
    if (connection.session) return closeWith(connection, 4005, 'Already authenticated.');
    if (d.token !== options.token) return closeWith(connection, 4004, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents > ALL_INTENTS) {
      return closeWith(connection, 4013, 'Invalid intent(s).');
    }
    if (privilegedDenied(intents)) return closeWith(connection, 4014, 'Disallowed intent(s).');
    const shard = d.shard;
    if (Array.isArray(shard) && (shard[0] !== 0 || shard[1] !== 1))
      return closeWith(connection, 4010, 'Invalid shard.');
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      token: options.token,
      intents,
      properties: d.properties ?? null,
      identifiedAt: options.now(),
      resumes: 0,
      heartbeats: 0,
      sequence: 0,
      resumable: true,
      buffer: [],
      connection,
    };
    sessions.set(session.id, session);
    connection.session = session;
    void dispatchTo(session, 'READY', readyPayload(state, session.id, options.gatewayUrl()));
    // discord.js handles a GUILD_CREATE that overtakes READY wrongly; let the client read READY first.
    pause(connection);
    if ((intents & Intents.Guilds) === 0) return;
    for (const guild of state.guilds.values())
      void dispatchTo(session, 'GUILD_CREATE', toGatewayGuild(state, guild, state.botId));
  };

  const resume = (connection: Connection, d: Record<string, unknown>) => {
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    if (!session?.resumable || d.token !== session.token || seq > session.sequence) {
      void write(connection, { op: 9, d: false, s: null, t: null });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== connection) closeWith(previous, 4009, 'Session taken over.');
    session.connection = connection;
    session.resumes += 1;
    connection.session = session;
    for (const event of session.buffer) {
      if (event.s > seq) void write(connection, { op: 0, t: event.t, s: event.s, d: event.d });
    }
    void dispatchTo(session, 'RESUMED', null);
  };

  const requestMembers = (connection: Connection, d: Record<string, unknown>) => {
    const guild = typeof d.guild_id === 'string' ? state.guilds.get(d.guild_id) : undefined;
    const session = connection.session;
    if (!guild || !session) return;
    void dispatchTo(session, 'GUILD_MEMBERS_CHUNK', membersChunk(state, guild, d));
  };

  const onMessage = (connection: Connection, raw: RawData) => {
    let payload: unknown;
    try {
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      payload = JSON.parse(bytes.toString('utf8'));
    } catch {
      return closeWith(connection, 4002, 'Error while decoding payload.');
    }
    if (!isRecord(payload) || !('op' in payload))
      return closeWith(connection, 4002, 'Error while decoding payload.');
    const op = payload.op;
    const d = isRecord(payload.d) ? payload.d : {};
    if (op === 1) {
      if (connection.session) connection.session.heartbeats += 1;
      void write(connection, { op: 11, d: null, s: null, t: null });
      return;
    }
    if (op === 2) return identify(connection, d);
    if (op === 6) return resume(connection, d);
    if (!connection.session) return closeWith(connection, 4003, 'Not authenticated.');
    if (op === 8) return requestMembers(connection, d);
    if (op === 3 || op === 4) return;
    closeWith(connection, 4001, 'Unknown opcode.');
  };

  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const connection: Connection = { socket, session: null, chain: Promise.resolve() };
    connections.add(connection);
    socket.on('message', (raw) => onMessage(connection, raw));
    socket.on('close', (code) => {
      connections.delete(connection);
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = null;
        if (code === 1000 || code === 1001) session.resumable = false;
      }
    });
    socket.on('error', () => socket.terminate());
    const params = new URL(request.url ?? '/', 'ws://fake').searchParams;
    if (params.get('v') !== '10') return closeWith(connection, 4012, 'Invalid API version.');
    if ((params.get('encoding') ?? 'json') !== 'json')
      return closeWith(connection, 4002, 'Only JSON encoding here.');
    void write(connection, {
      op: 10,
      d: { heartbeat_interval: options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  });

  const closeAll = async (code: number, reason: string) => {
    const closing = [...connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.socket.close(code, reason);
          setTimeout(() => {
            connection.socket.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(closing);
  };

  return {
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    },
    async dispatch(t, build, intents = 0) {
      const writes: Promise<void>[] = [];
      for (const session of sessions.values()) {
        if (!session.resumable) continue;
        if (intents !== 0 && (session.intents & intents) === 0) continue;
        const d = build(session);
        if (d !== undefined) writes.push(dispatchTo(session, t, d));
      }
      await Promise.all(writes);
    },
    liveSessions() {
      return [...sessions.values()].filter((s) => s.connection !== null && s.resumable).length;
    },
    sessions() {
      return [...sessions.values()].map((s) => ({
        sessionId: s.id,
        intents: s.intents,
        connected: s.connection !== null,
        resumable: s.resumable,
        identifiedAt: s.identifiedAt,
        resumes: s.resumes,
        heartbeats: s.heartbeats,
        sequence: s.sequence,
        properties: s.properties,
      }));
    },
    events,
    async disconnectAll({ code = 4000, reason = 'Disconnected by the fake', invalidate = false } = {}) {
      if (invalidate) for (const session of sessions.values()) session.resumable = false;
      await closeAll(code, reason);
    },
    async close() {
      for (const session of sessions.values()) session.resumable = false;
      await closeAll(1001, 'Fake Discord closing');
      server.close();
    },
  };
}

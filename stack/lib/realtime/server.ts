// A local server that speaks the Supabase Realtime protocol to the unmodified realtime-js client:
// Phoenix channels over WebSocket (vsn 1.0.0 and 2.0.0), broadcast (client to clients, the HTTP
// broadcast API, and from the database through realtime.messages), presence, and private channels
// authorized by the project's RLS policies on realtime.messages. One process, for development and
// CI; production runs on Supabase's Realtime cluster with the same SQL. The options live in
// options.ts, the API keys in api-keys.ts and the HTTP broadcast API in http-api.ts.
import type http from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import postgres from "postgres";
import type { Keys } from "../instance.js";
import { RECONNECT_OPTIONS } from "../db-options.js";
import { ApiKeys, type ApiKey } from "./api-keys.js";
import { BroadcastApi } from "./http-api.js";
import { DEFAULT_REALTIME_OPTIONS, type RealtimeOptions } from "./options.js";
import {
  checkToken,
  DatabaseUnavailable,
  emptyPolicies,
  joinRefusal,
  PolicyError,
  readAccess,
  tokenShutdownMessage,
  writeAccess,
  type AuthContext,
  type Claims,
  type Extension,
  type Policies,
} from "./authorize.js";
import { PresenceRegistry, type PresenceDiff } from "./presence.js";
import { SentLog } from "./sent-log.js";
import {
  decode,
  encodeMessage,
  encodeReply,
  isPlainObject,
  Outgoing,
  ProtocolError,
  REALTIME_PREFIX,
  userBroadcast,
  type Inbound,
  type Vsn,
} from "./protocol.js";

interface Connection {
  ws: WebSocket;
  vsn: Vsn;
  key: ApiKey;
  headers: Record<string, string>;
  channels: Map<string, Channel>;
  lastSeen: number;
  rateWindow: number;
  rateCount: number;
  backlog: Array<() => void | Promise<void>>;
  busy: boolean;
  closed: boolean;
}

interface Channel {
  conn: Connection;
  /** As the client names it: `realtime:<sub topic>`. */
  topic: string;
  sub: string;
  /** Public and private channels of the same name are separate rooms. */
  room: string;
  joinRef: string | null;
  private: boolean;
  self: boolean;
  ack: boolean;
  presenceEnabled: boolean;
  presenceKey: string;
  accessToken: string;
  claims: Claims;
  policies: Policies;
  expiryTimer: NodeJS.Timeout | null;
  presenceCalls: number;
  presenceWindowEnds: number;
  /** The payload last tracked; an equal one (as Elixir compares maps, in any key order) is no change. */
  tracked: Record<string, unknown> | null;
  /** Messages sent on join by `broadcast.replay`; not delivered a second time. */
  replayed: Set<string>;
  closed: boolean;
}

/** A row of realtime.messages as the NOTIFY carries it (only id and inserted_at when large). */
interface DatabaseMessage {
  id: string;
  inserted_at: string;
  topic?: string;
  event?: string;
  private?: boolean;
  payload?: unknown;
}

interface ReplayedMessage {
  id: string;
  event: string;
  payload: unknown;
}

const NOTIFY_CHANNEL = "realtime:local_messages";
const roomOf = (priv: boolean, sub: string) => `${priv ? "private" : "public"}:${sub}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const flag = (v: unknown) => v === true || v === "true";

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class RealtimeServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 5_000_000, perMessageDeflate: false });
  private readonly sql: postgres.Sql;
  private readonly listener: postgres.Sql;
  private readonly connections = new Set<Connection>();
  private readonly rooms = new Map<string, Set<Channel>>();
  private readonly presence = new PresenceRegistry<Channel>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly apiKeys: ApiKeys;
  private readonly api: BroadcastApi;
  private readonly sent = new SentLog();
  private databaseQueue: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  constructor(
    dbUrl: string,
    private readonly keys: Keys,
    private readonly opts: RealtimeOptions = DEFAULT_REALTIME_OPTIONS,
    private readonly log: (line: string) => void = (l) => console.error(`realtime: ${l}`),
  ) {
    this.sql = postgres(dbUrl, { max: 4, ...RECONNECT_OPTIONS, onnotice: () => {}, idle_timeout: 60 });
    this.listener = postgres(dbUrl, { max: 1, ...RECONNECT_OPTIONS, onnotice: () => {} });
    this.apiKeys = new ApiKeys(keys);
    this.api = new BroadcastApi({
      apiKeys: this.apiKeys,
      jwtSecret: keys.jwtSecret,
      sql: this.sql,
      log,
      payloadLimit: this.payloadLimit,
      deliver: (priv, sub, out) => this.deliver(priv, sub, out),
    });
  }

  private get payloadLimit() {
    return this.opts.maxPayloadKb * 1000 + 500;
  }

  async start(): Promise<void> {
    const [{ now }] = await this.sql<[{ now: string }]>`select to_json(localtimestamp) #>> '{}' as now`;
    this.sent.startAt(now);
    let first = true;
    // Called again each time the listening connection comes back (a database restart, a dropped
    // connection): what was committed meanwhile is read from the table.
    await this.listener.listen(NOTIFY_CHANNEL, (note) => this.onNotify(note), () => {
      if (!first) this.enqueueDatabaseWork(() => this.catchUp());
      first = false;
    });
    await this.cleanup();
    const sweep = setInterval(() => this.dropSilentConnections(), Math.max(50, Math.min(1000, this.opts.heartbeatTimeoutMs / 4)));
    const hourly = setInterval(() => void this.cleanup(), 3_600_000);
    for (const t of [sweep, hourly]) t.unref();
    this.timers.push(sweep, hourly);
  }

  /** Closes every connection (clients reconnect and rejoin by themselves) and the database connections. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      const closing = [...this.connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => conn.ws.terminate(), 1000);
            conn.ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            conn.ws.close(1001, "Server shutting down");
          }),
      );
      await Promise.all(closing);
      this.wss.close();
      await Promise.all([this.listener.end({ timeout: 1 }), this.sql.end({ timeout: 1 })]);
    })();
    return this.stopping;
  }

  private async cleanup(): Promise<void> {
    try {
      await this.sql`delete from realtime.messages where inserted_at < localtimestamp - make_interval(hours => ${this.opts.retentionHours})`;
    } catch (e) {
      this.log(`cleaning realtime.messages failed: ${(e as Error).message}`);
    }
  }
  // --- WebSocket ----------------------------------------------------------------------------

  /** `GET /realtime/v1/websocket?apikey=…&vsn=…` upgraded by the gateway. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const vsnParam = url.searchParams.get("vsn") ?? "1.0.0";
    const vsn: Vsn | null = /^1\.0\.\d+$/.test(vsnParam) ? 1 : /^2\.0\.\d+$/.test(vsnParam) ? 2 : null;
    const refuse = (status: number, body: unknown) => {
      const text = body === undefined ? "" : JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Forbidden"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\naccess-control-allow-origin: *\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    const headerKey = req.headers["apikey"] ?? req.headers["x-api-key"];
    const given = url.searchParams.get("apikey") ?? (typeof headerKey === "string" ? headerKey : null);
    const auth = this.apiKeys.check(req, given);
    if (!auth.key) return refuse(auth.status, auth.body);
    // Phoenix answers a protocol version it cannot serve with a bare 403.
    if (vsn === null) return refuse(403, undefined);
    const key = auth.key;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith("x-") && typeof v === "string") headers[k] = v;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, vsn, key, headers));
  }

  private onConnection(ws: WebSocket, vsn: Vsn, key: ApiKey, headers: Record<string, string>): void {
    if (this.stopping) return ws.terminate();
    const conn: Connection = {
      ws,
      vsn,
      key,
      headers,
      channels: new Map(),
      lastSeen: Date.now(),
      rateWindow: 0,
      rateCount: 0,
      backlog: [],
      busy: false,
      closed: false,
    };
    this.connections.add(conn);
    ws.on("message", (data, isBinary) => {
      conn.lastSeen = Date.now();
      let msg: Inbound;
      try {
        msg = decode(vsn, rawToBuffer(data), isBinary);
      } catch (e) {
        if (e instanceof ProtocolError) return this.log(`MalformedWebSocketMessage: ${e.message}`);
        throw e;
      }
      this.enqueue(conn, () => this.handle(conn, msg));
    });
    // Control frames count as activity too, as they do for Phoenix's idle timeout.
    ws.on("ping", () => (conn.lastSeen = Date.now()));
    ws.on("close", () => this.onClose(conn));
    ws.on("error", () => ws.terminate());
  }

  private onClose(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    conn.backlog.length = 0;
    for (const ch of [...conn.channels.values()]) this.teardown(ch);
  }

  /** Phoenix handles a socket's frames one after the other (a join blocks the socket); so do we. */
  private enqueue(conn: Connection, task: () => void | Promise<void>): void {
    conn.backlog.push(task);
    if (!conn.busy) void this.drain(conn);
  }

  private async drain(conn: Connection): Promise<void> {
    conn.busy = true;
    while (conn.backlog.length > 0 && !conn.closed) {
      const task = conn.backlog.shift()!;
      try {
        const pending = task();
        if (pending) await pending;
      } catch (e) {
        this.log(`UnknownErrorOnChannel: ${(e as Error).stack ?? e}`);
      }
    }
    conn.busy = false;
  }

  private dropSilentConnections(): void {
    const deadline = Date.now() - this.opts.heartbeatTimeoutMs;
    for (const conn of this.connections) if (conn.lastSeen < deadline) conn.ws.terminate();
  }

  private send(conn: Connection, data: string | Buffer | null): void {
    if (data !== null && !conn.closed && conn.ws.readyState === WebSocket.OPEN) conn.ws.send(data);
  }

  private reply(conn: Connection, joinRef: string | null, ref: string | null, topic: string, status: "ok" | "error", response: unknown): void {
    this.send(conn, encodeReply(conn.vsn, joinRef, ref, topic, status, response));
  }

  /** A push from the channel itself (carries the join ref, so clients drop it after a rejoin). */
  private push(ch: Channel, event: string, payload: unknown): void {
    this.send(ch.conn, encodeMessage(ch.conn.vsn, ch.topic, event, payload, ch.joinRef));
  }

  private system(ch: Channel, status: "ok" | "error", message: string, extension = "system"): void {
    this.push(ch, "system", { extension, status, message, channel: ch.sub });
  }

  private handle(conn: Connection, msg: Inbound): void | Promise<void> {
    if (msg.topic === "phoenix" && msg.event === "heartbeat") return this.reply(conn, null, msg.ref, "phoenix", "ok", {});
    const ch = conn.channels.get(msg.topic);
    if (msg.event === "phx_join") return this.join(conn, msg, ch);
    if (!ch) {
      if (msg.event === "phx_leave") return this.reply(conn, msg.joinRef, msg.ref, msg.topic, "ok", {});
      return this.reply(conn, null, msg.ref, msg.topic, "error", { reason: "unmatched topic" });
    }
    switch (msg.event) {
      case "phx_leave":
        // A leave for an older join of this topic raced a server close: nothing to answer.
        if (msg.joinRef !== null && msg.joinRef !== ch.joinRef) return;
        this.reply(conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
        return this.close(ch);
      case "broadcast":
        return this.guarded(ch, () => this.onBroadcast(ch, msg));
      case "presence":
        return this.guarded(ch, () => this.onPresence(ch, msg));
      case "access_token":
        return this.guarded(ch, () => this.onAccessToken(ch, msg));
      default:
        // Realtime ignores other events but counts them against the rate limit.
        this.count(conn);
    }
  }

  /**
   * A failure inside a channel is a crashed channel process for Phoenix: the client gets
   * `phx_error` for it and rejoins by itself.
   */
  private guarded(ch: Channel, run: () => void | Promise<void>): void | Promise<void> {
    const crash = (e: unknown) => {
      this.log(`UnknownErrorOnChannel: ${(e as Error)?.stack ?? e}`);
      if (ch.closed) return;
      this.send(ch.conn, encodeMessage(ch.conn.vsn, ch.topic, "phx_error", {}, ch.joinRef, ch.joinRef));
      this.teardown(ch);
    };
    try {
      const pending = run();
      if (pending) return pending.catch(crash);
    } catch (e) {
      crash(e);
    }
  }

  // --- Channels -----------------------------------------------------------------------------

  private async join(conn: Connection, msg: Inbound, existing: Channel | undefined): Promise<void> {
    const { topic, ref } = msg;
    const joinRef = msg.joinRef;
    if (!topic.startsWith(REALTIME_PREFIX)) return this.reply(conn, null, ref, topic, "error", { reason: "unmatched topic" });
    // A second join of a joined topic closes the first, as Phoenix does.
    if (existing) this.close(existing);
    const refuse = async (reason: string) => {
      await sleep(this.opts.channelErrorBackoffMs);
      this.reply(conn, joinRef, ref, topic, "error", { reason });
    };
    const sub = topic.slice(REALTIME_PREFIX.length);
    if (sub === "") return refuse("TopicNameRequired: You must provide a topic name");

    const params = isPlainObject(msg.payload) ? msg.payload : {};
    const config = isPlainObject(params.config) ? params.config : {};
    const broadcast = isPlainObject(config.broadcast) ? config.broadcast : {};
    const presence = isPlainObject(config.presence) ? config.presence : {};
    const priv = flag(config.private);
    const presenceEnabled = flag(presence.enabled);
    const presenceKey = presence.key === undefined || presence.key === null || presence.key === "" ? randomUUID() : String(presence.key);
    const postgresChanges = Array.isArray(config.postgres_changes) ? config.postgres_changes.filter(isPlainObject) : [];

    if (conn.channels.size >= this.opts.maxChannelsPerClient) return refuse("ChannelRateLimitReached: Too many channels");

    const given = typeof params.access_token === "string" ? params.access_token : typeof params.user_token === "string" ? params.user_token : null;
    const accessToken = given === null || given.startsWith("sb_") ? conn.key.token : given;
    const claims = this.claimsOf(conn, accessToken);
    if (!claims.ok) return refuse(joinRefusal(claims));

    const ch: Channel = {
      conn,
      topic,
      sub,
      room: roomOf(priv, sub),
      joinRef,
      private: priv,
      self: flag(broadcast.self),
      ack: flag(broadcast.ack),
      presenceEnabled,
      presenceKey,
      accessToken,
      claims: claims.claims,
      policies: emptyPolicies(),
      expiryTimer: null,
      presenceCalls: 0,
      presenceWindowEnds: 0,
      tracked: null,
      replayed: new Set(),
      closed: false,
    };
    if (priv) {
      let read: Partial<Record<Extension, boolean>>;
      try {
        read = await readAccess(this.sql, this.authContext(ch), presenceEnabled ? ["broadcast", "presence"] : ["broadcast"], this.log);
      } catch (e) {
        if (!(e instanceof DatabaseUnavailable)) throw e;
        this.log(`UnableToConnectToProject: ${e.message}`);
        return refuse("UnableToConnectToProject: Realtime was unable to connect to the project database");
      }
      ch.policies.broadcast.read = read.broadcast;
      ch.policies.presence.read = read.presence;
      if (!read.broadcast && !read.presence) return refuse(`Unauthorized: You do not have permissions to read from this Channel topic: ${sub}`);
    }
    let replay: ReplayedMessage[] = [];
    if (broadcast.replay !== undefined && broadcast.replay !== null) {
      if (priv && ch.policies.broadcast.read !== true) return refuse(`Unauthorized: You do not have permissions to read from this Channel topic: ${sub}`);
      if (!priv) return refuse("UnableToReplayMessages: Replay is not allowed for public channels");
      const params = broadcast.replay;
      const since = isPlainObject(params) ? params.since : undefined;
      const limit = isPlainObject(params) ? (params.limit ?? 25) : undefined;
      if (!Number.isInteger(since) || !Number.isInteger(limit)) return refuse("UnableToReplayMessages: Replay params are not valid");
      try {
        replay = await this.replayable(sub, since as number, limit as number);
      } catch (e) {
        this.log(`UnableToReplayMessages: ${(e as Error).message}`);
        return refuse("UnableToReplayMessages: Realtime was unable to replay messages");
      }
    }
    if (conn.closed) return;

    conn.channels.set(topic, ch);
    let members = this.rooms.get(ch.room);
    if (!members) this.rooms.set(ch.room, (members = new Set()));
    members.add(ch);
    this.scheduleTokenCheck(ch);

    // Realtime echoes each postgres_changes binding with an id; the client matches them up.
    const bindings = postgresChanges.map((p, i) => ({ ...p, id: i + 1 }));
    this.reply(conn, joinRef, ref, topic, "ok", { postgres_changes: bindings });
    for (const m of replay) {
      ch.replayed.add(m.id);
      this.push(ch, "broadcast", { payload: m.payload, event: m.event, type: "broadcast", meta: { replayed: true, id: m.id } });
    }
    if (bindings.length > 0) {
      this.system(
        ch,
        "error",
        "postgres_changes is not served by the local Realtime server: broadcast changes from the database with realtime.broadcast_changes() or realtime.send()",
        "postgres_changes",
      );
    }
    // Realtime confirms its replication connection when asked; database broadcasts here arrive by
    // LISTEN, which is up from the server's start. (Realtime takes any value but null and false.)
    if (broadcast.replication_ready !== undefined && broadcast.replication_ready !== null && broadcast.replication_ready !== false) {
      this.system(ch, "ok", "Replication connection established");
    }
    if (presenceEnabled && (!priv || ch.policies.presence.read === true)) this.push(ch, "presence_state", this.presence.list(ch.room));
  }

  /** The latest stored broadcasts of a private topic since `since` (ms), oldest first, at most 25. */
  private async replayable(topic: string, since: number, limit: number): Promise<ReplayedMessage[]> {
    const rows = await this.sql<ReplayedMessage[]>`
      select id, event, payload from realtime.messages
      where topic = ${topic} and private is true and extension = 'broadcast'
        and inserted_at >= (to_timestamp(${since / 1000}) at time zone 'UTC')
        and inserted_at < localtimestamp + interval '1 minute'
      order by inserted_at desc
      limit ${Math.max(1, Math.min(limit, 25))}`;
    return rows.reverse();
  }

  private claimsOf(conn: Connection, token: string) {
    if (token === conn.key.token) return { ok: true as const, claims: conn.key.claims };
    return checkToken(token, this.keys.jwtSecret);
  }

  private authContext(ch: Channel): AuthContext {
    return { topic: ch.sub, claims: ch.claims, headers: ch.conn.headers };
  }

  /** Leaves a channel from the server side: `phx_close`, which the client reports as CLOSED. */
  private close(ch: Channel): void {
    if (ch.closed) return;
    this.send(ch.conn, encodeMessage(ch.conn.vsn, ch.topic, "phx_close", {}, ch.joinRef, ch.joinRef));
    this.teardown(ch);
  }

  /** Realtime's `shutdown_response`: a system error naming the reason, then the channel closes. */
  private shutdown(ch: Channel, message: string): void {
    if (ch.closed) return;
    this.system(ch, "error", message);
    this.close(ch);
  }

  private teardown(ch: Channel): void {
    if (ch.closed) return;
    ch.closed = true;
    if (ch.expiryTimer) clearTimeout(ch.expiryTimer);
    if (ch.conn.channels.get(ch.topic) === ch) ch.conn.channels.delete(ch.topic);
    const members = this.rooms.get(ch.room);
    members?.delete(ch);
    if (members?.size === 0) this.rooms.delete(ch.room);
    const diff = this.presence.untrack(ch.room, ch);
    if (diff) this.presenceDiff(ch, diff);
  }

  /** Per connection and second (Realtime counts per project); over the limit, every channel closes. */
  private count(conn: Connection): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== conn.rateWindow) {
      conn.rateWindow = second;
      conn.rateCount = 0;
    }
    if (++conn.rateCount <= this.opts.maxEventsPerSecond) return true;
    for (const ch of [...conn.channels.values()]) this.shutdown(ch, "Too many messages per second");
    return false;
  }

  // --- Tokens -------------------------------------------------------------------------------

  /** Re-checks the token when it expires (at most every 5 minutes), closing the channel then. */
  private scheduleTokenCheck(ch: Channel): void {
    if (ch.expiryTimer) clearTimeout(ch.expiryTimer);
    ch.expiryTimer = null;
    const exp = ch.claims.exp;
    if (typeof exp !== "number") return;
    const wait = Math.min(5 * 60_000, Math.max(0, exp * 1000 - Date.now()) + 5);
    ch.expiryTimer = setTimeout(() => this.enqueue(ch.conn, () => this.confirmToken(ch)), wait);
    ch.expiryTimer.unref();
  }

  private confirmToken(ch: Channel): void {
    if (ch.closed) return;
    const check = this.claimsOf(ch.conn, ch.accessToken);
    if (!check.ok) return this.shutdown(ch, tokenShutdownMessage(check));
    this.scheduleTokenCheck(ch);
  }

  private async onAccessToken(ch: Channel, msg: Inbound): Promise<void> {
    const token = isPlainObject(msg.payload) ? msg.payload.access_token : undefined;
    if (typeof token !== "string" || token.startsWith("sb_") || token === ch.accessToken) return;
    const check = this.claimsOf(ch.conn, token);
    if (!check.ok) return this.shutdown(ch, tokenShutdownMessage(check));
    // Until the new token's policies are known the old ones stay in force: Realtime goes on
    // delivering to the channel while it checks them.
    const policies = emptyPolicies();
    if (ch.private) {
      let read: Partial<Record<Extension, boolean>>;
      try {
        const context = { topic: ch.sub, claims: check.claims, headers: ch.conn.headers };
        read = await readAccess(this.sql, context, ch.presenceEnabled ? ["broadcast", "presence"] : ["broadcast"], this.log);
      } catch (e) {
        if (!(e instanceof DatabaseUnavailable)) throw e;
        return this.shutdown(ch, "Realtime was unable to connect to the project database");
      }
      if (ch.closed) return;
      policies.broadcast.read = read.broadcast;
      policies.presence.read = read.presence;
      if (!read.broadcast && !read.presence) return this.shutdown(ch, `You do not have permissions to read from this Channel topic: ${ch.sub}`);
      const revoked = (was?: boolean, now?: boolean) => was === true && now === false;
      if (revoked(ch.policies.broadcast.read, read.broadcast) || revoked(ch.policies.presence.read, read.presence)) {
        return this.shutdown(ch, `You no longer have permission to read from this Channel topic: ${ch.sub}`);
      }
    }
    ch.accessToken = token;
    ch.claims = check.claims;
    ch.policies = policies;
    this.scheduleTokenCheck(ch);
  }

  /** Write policies, evaluated on first use and kept until the token changes (a PolicyError keeps nothing). */
  private async canWrite(ch: Channel, extension: Extension): Promise<boolean> {
    if (!ch.private) return true;
    if (ch.policies[extension].write === undefined) {
      const write = await writeAccess(this.sql, this.authContext(ch), ["broadcast", "presence"], this.log);
      ch.policies.broadcast.write = write.broadcast;
      ch.policies.presence.write = write.presence;
    }
    return ch.policies[extension].write === true;
  }

  // --- Broadcast ----------------------------------------------------------------------------

  private async onBroadcast(ch: Channel, msg: Inbound): Promise<void> {
    if (ch.private) {
      let allowed: boolean;
      try {
        allowed = await this.canWrite(ch, "broadcast");
      } catch (e) {
        if (e instanceof PolicyError) return;
        if (!(e instanceof DatabaseUnavailable)) throw e;
        return this.log(`UnableToConnectToProject: ${e.message}`);
      }
      // Realtime drops a broadcast its sender may not write, without a reply.
      if (!allowed || ch.closed) return;
    }
    if (!this.count(ch.conn)) return;
    let out: Outgoing;
    let size: number;
    if (msg.user) {
      const user = msg.user;
      size = user.data.length + Buffer.byteLength(user.event);
      out = userBroadcast(ch.topic, { ...user, meta: null });
    } else {
      const text = JSON.stringify(msg.payload ?? null);
      size = Buffer.byteLength(text);
      out = new Outgoing((vsn) => (vsn === 2 ? `[null,null,${JSON.stringify(ch.topic)},"broadcast",${text}]` : `{"topic":${JSON.stringify(ch.topic)},"event":"broadcast","payload":${text},"ref":null}`));
    }
    if (size > this.payloadLimit) {
      if (ch.ack) this.reply(ch.conn, ch.joinRef, msg.ref, ch.topic, "error", "payload_size_exceeded");
      return;
    }
    this.fanout(ch.room, out, ch.self ? null : ch, (member) => !member.private || member.policies.broadcast.read === true);
    if (ch.ack) this.reply(ch.conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
  }

  private fanout(room: string, out: Outgoing, except: Channel | null, allowed: (member: Channel) => boolean): void {
    for (const member of this.rooms.get(room) ?? []) {
      if (member !== except && allowed(member)) this.send(member.conn, out.for(member.conn.vsn));
    }
  }

  /** Delivers a broadcast that did not come from a socket (HTTP API, database) to a room. */
  private deliver(priv: boolean, sub: string, out: Outgoing, id?: string): void {
    this.fanout(roomOf(priv, sub), out, null, (member) => (!priv || member.policies.broadcast.read === true) && !(id && member.replayed.has(id)));
  }

  // --- Presence -----------------------------------------------------------------------------

  private async onPresence(ch: Channel, msg: Inbound): Promise<void> {
    const conn = ch.conn;
    const body = isPlainObject(msg.payload) ? msg.payload : {};
    if (typeof body.event !== "string") return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
    const now = Date.now();
    if (now > ch.presenceWindowEnds) {
      ch.presenceCalls = 0;
      ch.presenceWindowEnds = now + this.opts.clientPresenceWindowMs;
    }
    if (ch.presenceCalls >= this.opts.clientPresenceMaxCalls) return this.shutdown(ch, "Client presence rate limit exceeded");
    ch.presenceCalls++;

    const event = body.event.toLowerCase();
    if (event === "untrack") {
      const diff = this.presence.untrack(ch.room, ch);
      ch.tracked = null;
      this.reply(conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
      if (diff) this.presenceDiff(ch, diff);
      return;
    }
    if (event !== "track") return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "error", {});
    if (ch.private) {
      let allowed: boolean;
      try {
        if (ch.policies.presence.read === undefined) {
          const read = await readAccess(this.sql, this.authContext(ch), ["presence"], this.log);
          ch.policies.presence.read = read.presence;
        }
        allowed = await this.canWrite(ch, "presence");
      } catch (e) {
        if (!(e instanceof DatabaseUnavailable || e instanceof PolicyError)) throw e;
        return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "error", {});
      }
      if (ch.closed) return;
      if (!allowed) return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "error", {});
    }
    const payload = body.payload === undefined ? {} : body.payload;
    if (!isPlainObject(payload)) return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "error", { reason: "Presence track payload must be a map" });
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > this.payloadLimit) return this.shutdown(ch, "Track message size exceeded");
    ch.presenceEnabled = true;
    if (isDeepStrictEqual(payload, ch.tracked)) return this.reply(conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
    ch.tracked = payload;
    const diff = this.presence.track(ch.room, ch, ch.presenceKey, payload);
    this.reply(conn, ch.joinRef, msg.ref, ch.topic, "ok", {});
    this.presenceDiff(ch, diff);
  }

  private presenceDiff(ch: Channel, diff: PresenceDiff): void {
    const out = new Outgoing((vsn) => encodeMessage(vsn, ch.topic, "presence_diff", diff, null));
    this.fanout(ch.room, out, null, (member) => !member.private || member.policies.presence.read === true);
  }

  // --- Database broadcasts ------------------------------------------------------------------

  private onNotify(note: string): void {
    this.enqueueDatabaseWork(() => this.deliverFromDatabase(JSON.parse(note) as DatabaseMessage));
  }

  /** In commit order, even when a large message has to be read back first. */
  private enqueueDatabaseWork(work: () => Promise<void>): void {
    this.databaseQueue = this.databaseQueue.then(work).catch((e) => this.log(`UnableToBroadcastChanges: ${(e as Error).message}`));
  }

  private async deliverFromDatabase(note: DatabaseMessage): Promise<void> {
    let row = note;
    if (row.topic === undefined) {
      const [full] = await this.sql<DatabaseMessage[]>`
        select id, to_json(inserted_at) #>> '{}' as inserted_at, topic, event, private, payload from realtime.messages where id = ${row.id}`;
      if (!full) return;
      row = full;
    }
    if (!this.sent.record(row.id, row.inserted_at)) return;
    const data = Buffer.from(JSON.stringify(row.payload));
    if (data.length > this.payloadLimit) return this.log(`UnableToBroadcastChanges: :payload_size_exceeded (message ${row.id})`);
    const sub = String(row.topic);
    this.deliver(row.private === true, sub, userBroadcast(`${REALTIME_PREFIX}${sub}`, { event: String(row.event), encoding: "json", data, meta: { id: row.id } }), row.id);
  }

  /** Delivers the messages committed while the listening connection was away, each once. */
  private async catchUp(): Promise<void> {
    const since = this.sent.catchUpFrom();
    if (since === null) return;
    const rows = await this.sql<DatabaseMessage[]>`
      select id, to_json(inserted_at) #>> '{}' as inserted_at, topic, event, private, payload from realtime.messages
      where inserted_at >= ${since}::timestamp and event is not null and payload is not null and private is not null
      order by inserted_at, id`;
    for (const row of rows) await this.deliverFromDatabase(row);
  }

  /** The HTTP broadcast API, for the gateway. */
  handleHttp(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    return this.api.handle(req, res, body);
  }
}

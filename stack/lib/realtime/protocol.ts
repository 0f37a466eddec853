// The Phoenix channel wire format as Supabase Realtime speaks it, both serializers:
// - vsn 1.0.0: JSON objects {topic, event, payload, ref} (Phoenix V1 JSON serializer);
// - vsn 2.0.0: JSON arrays [join_ref, ref, topic, event, payload], plus Realtime's binary frames
//   for user broadcasts: kind 3 (client to server, "user broadcast push") and kind 4 (server to
//   client, "user broadcast"), each field prefixed by its byte length.

export type Vsn = 1 | 2;

/** One decoded frame from a client. */
export interface Inbound {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  /** Set for a binary user broadcast push (vsn 2): the user payload, still encoded. */
  user?: UserPayload;
}

/** A broadcast's user part as it travels: the event, and the payload as JSON text or raw bytes. */
export interface UserPayload {
  event: string;
  encoding: "json" | "binary";
  data: Buffer;
  /** Realtime's frame metadata (`{"id": ...}` for messages from the database). */
  meta: Record<string, unknown> | null;
}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;

export class ProtocolError extends Error {}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function decode(vsn: Vsn, data: Buffer, isBinary: boolean): Inbound {
  if (isBinary) {
    if (vsn !== 2) throw new ProtocolError("binary frames need vsn 2.0.0");
    return decodeBinary(data);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString("utf8"));
  } catch (e) {
    throw new ProtocolError(`invalid JSON: ${(e as Error).message}`);
  }
  if (vsn === 2) {
    if (!Array.isArray(parsed) || parsed.length < 5) throw new ProtocolError("expected V2 array");
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    if (typeof topic !== "string" || typeof event !== "string") throw new ProtocolError("topic and event must be strings");
    return { joinRef: str(joinRef), ref: str(ref), topic, event, payload };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ProtocolError("expected V1 object");
  const m = parsed as Record<string, unknown>;
  if (typeof m.topic !== "string" || typeof m.event !== "string" || !("payload" in m)) throw new ProtocolError("missing topic, event or payload");
  return { joinRef: str(m.join_ref), ref: str(m.ref), topic: m.topic, event: m.event, payload: m.payload };
}

function decodeBinary(buf: Buffer): Inbound {
  if (buf.length < 7 || buf[0] !== KIND_USER_BROADCAST_PUSH) throw new ProtocolError(`unsupported binary frame kind ${buf[0]}`);
  const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = [buf[1]!, buf[2]!, buf[3]!, buf[4]!, buf[5]!, buf[6]!];
  let at = 7;
  const take = (n: number) => {
    if (at + n > buf.length) throw new ProtocolError("truncated binary frame");
    const s = buf.subarray(at, at + n);
    at += n;
    return s;
  };
  const joinRef = take(joinRefLen).toString("utf8");
  const ref = take(refLen).toString("utf8");
  const topic = take(topicLen).toString("utf8");
  const event = take(eventLen).toString("utf8");
  const metaText = take(metaLen).toString("utf8");
  let meta: Record<string, unknown> | null = null;
  if (metaLen > 0) {
    try {
      meta = JSON.parse(metaText) as Record<string, unknown>;
    } catch {
      throw new ProtocolError("invalid metadata JSON");
    }
  }
  const data = Buffer.from(buf.subarray(at));
  return {
    joinRef: joinRef || null,
    ref: ref || null,
    topic,
    event: "broadcast",
    payload: null,
    user: { event, encoding: encoding === 0 ? "binary" : "json", data, meta },
  };
}

/** A server push on a channel (join_ref set for channel pushes, null for broadcasts). */
export function encodeMessage(vsn: Vsn, topic: string, event: string, payload: unknown, joinRef: string | null = null, ref: string | null = null): string {
  if (vsn === 2) return JSON.stringify([joinRef, ref, topic, event, payload]);
  return JSON.stringify({ topic, event, payload, ref });
}

export function encodeReply(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, status: "ok" | "error", response: unknown): string {
  const payload = { status, response };
  if (vsn === 2) return JSON.stringify([joinRef, ref, topic, "phx_reply", payload]);
  return JSON.stringify({ topic, event: "phx_reply", payload, ref });
}

const byteLen = (s: string) => Buffer.byteLength(s, "utf8");

/** A user broadcast for a vsn 2 client: binary kind 4. Null when a field is longer than the frame allows. */
export function encodeUserBroadcastV2(topic: string, user: UserPayload): Buffer | null {
  const meta = user.meta ? JSON.stringify(user.meta) : "";
  const lens = [byteLen(topic), byteLen(user.event), byteLen(meta)];
  if (lens.some((n) => n > 255)) return null;
  const head = Buffer.allocUnsafe(5);
  head[0] = KIND_USER_BROADCAST;
  head[1] = lens[0]!;
  head[2] = lens[1]!;
  head[3] = lens[2]!;
  head[4] = user.encoding === "json" ? 1 : 0;
  return Buffer.concat([head, Buffer.from(topic), Buffer.from(user.event), Buffer.from(meta), user.data]);
}

/** The same broadcast for a vsn 1 client, as JSON; binary payloads cannot be represented (null). */
export function encodeUserBroadcastV1(topic: string, user: UserPayload): string | null {
  if (user.encoding !== "json") return null;
  const meta = user.meta ? `,"meta":${JSON.stringify(user.meta)}` : "";
  const payload = `{"event":${JSON.stringify(user.event)},"payload":${user.data.toString("utf8")},"type":"broadcast"${meta}}`;
  return `{"topic":${JSON.stringify(topic)},"event":"broadcast","payload":${payload},"ref":null}`;
}

/** One outgoing message, encoded at most once per protocol version however many receive it. */
export class Outgoing {
  private readonly cache = new Map<Vsn, string | Buffer | null>();
  constructor(private readonly make: (vsn: Vsn) => string | Buffer | null) {}
  for(vsn: Vsn): string | Buffer | null {
    if (!this.cache.has(vsn)) this.cache.set(vsn, this.make(vsn));
    return this.cache.get(vsn)!;
  }
}

/** A user broadcast on `topic`, in each version's own framing. */
export function userBroadcast(topic: string, user: UserPayload): Outgoing {
  return new Outgoing((vsn) => (vsn === 2 ? encodeUserBroadcastV2(topic, user) : encodeUserBroadcastV1(topic, user)));
}

export const REALTIME_PREFIX = "realtime:";
export const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

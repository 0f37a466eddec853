// Realtime's HTTP broadcast API: `POST /realtime/v1/api/broadcast` (a batch) and
// `POST /realtime/v1/api/broadcast/<topic>/events/<event>` (one message), answered as Supabase
// Realtime answers them and delivered to the channels the server holds.
import type http from "node:http";
import type postgres from "postgres";
import type { ApiKeys } from "./api-keys.js";
import { checkToken, DatabaseUnavailable, PolicyError, writeAccess } from "./authorize.js";
import { encodeMessage, isPlainObject, Outgoing, REALTIME_PREFIX, userBroadcast, type UserPayload } from "./protocol.js";

export interface BroadcastApiDeps {
  apiKeys: ApiKeys;
  jwtSecret: string;
  sql: postgres.Sql;
  log: (line: string) => void;
  /** The largest payload a message may carry, in bytes. */
  payloadLimit: number;
  /** Sends a message to the subscribers of a public or private topic. */
  deliver: (priv: boolean, sub: string, out: Outgoing) => void;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "access-control-allow-origin": "*", ...(text ? { "content-type": "application/json" } : {}), ...headers });
  res.end(text);
}

export class BroadcastApi {
  constructor(private readonly deps: BroadcastApiDeps) {}

  /** `POST /realtime/v1/api/broadcast` (batch) and `POST /realtime/v1/api/broadcast/<topic>/events/<event>`. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const single = /^\/realtime\/v1\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(url.pathname);
    const batch = url.pathname === "/realtime/v1/api/broadcast";
    if (req.method !== "POST" || (!single && !batch)) return json(res, 404, { message: "no Route matched with those values" });

    if (single) {
      const type = req.headers["content-type"];
      if (type && !/^application\/(json|octet-stream)\s*(;|$)/i.test(type)) {
        return json(res, 415, { error: "Unsupported Media Type. Use application/json or application/octet-stream" });
      }
    }
    const headerKey = req.headers["apikey"];
    const auth = this.deps.apiKeys.check(req, typeof headerKey === "string" ? headerKey : url.searchParams.get("apikey"));
    if (!auth.key) return json(res, auth.status, auth.body);
    let claims = auth.key.claims;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer && !bearer.startsWith("sb_") && bearer !== auth.key.token) {
      const check = checkToken(bearer, this.deps.jwtSecret);
      if (!check.ok) return json(res, 401, { message: "Unauthorized" });
      claims = check.claims;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const mayWrite = async (topic: string) => (await writeAccess(this.deps.sql, { topic, claims, headers }, ["broadcast"], this.deps.log)).broadcast === true;

    try {
      if (single) return await this.broadcastOne(req, res, body, url, decodeURIComponent(single[1]!), decodeURIComponent(single[2]!), mayWrite);
      return await this.broadcastBatch(res, body, mayWrite);
    } catch (e) {
      if (e instanceof PolicyError) return json(res, 422, { message: "RLS policy error" });
      if (!(e instanceof DatabaseUnavailable)) throw e;
      return json(res, 422, { message: "Tenant database unavailable" });
    }
  }

  private async broadcastOne(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    url: URL,
    topic: string,
    event: string,
    mayWrite: (topic: string) => Promise<boolean>,
  ): Promise<void> {
    const priv = url.searchParams.get("private") === "true";
    const binary = /^application\/octet-stream/i.test(req.headers["content-type"] ?? "");
    let user: UserPayload;
    if (binary) {
      user = { event, encoding: "binary", data: body, meta: null };
    } else {
      let parsed: unknown = {};
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          return json(res, 400, { message: "Malformed JSON body" });
        }
      }
      // Like Plug's JSON parser: a body that is not an object arrives wrapped as {"_json": …}.
      const payload = isPlainObject(parsed) ? parsed : { _json: parsed };
      user = { event, encoding: "json", data: Buffer.from(JSON.stringify(payload)), meta: null };
    }
    if (user.data.length > this.deps.payloadLimit) return json(res, 422, { errors: { payload: ["Payload size exceeds tenant limit"] } });
    if (priv && !(await mayWrite(topic))) return json(res, 403, { message: "Unauthorized" });
    this.deps.deliver(priv, topic, userBroadcast(`${REALTIME_PREFIX}${topic}`, user));
    json(res, 202, undefined);
  }

  private async broadcastBatch(res: http.ServerResponse, body: Buffer, mayWrite: (topic: string) => Promise<boolean>): Promise<void> {
    let parsed: unknown;
    try {
      parsed = body.length ? JSON.parse(body.toString("utf8")) : {};
    } catch {
      return json(res, 400, { message: "Malformed JSON body" });
    }
    const list = isPlainObject(parsed) ? parsed.messages : undefined;
    if (!Array.isArray(list) || list.length === 0) return json(res, 422, { errors: { messages: ["can't be blank"] } });
    type Message = { topic: string; event: string; payload: Record<string, unknown>; private: boolean; id?: string };
    const messages: Message[] = [];
    const errors = list.map((m) => {
      const e: Record<string, string[]> = {};
      if (!isPlainObject(m)) return { messages: ["is invalid"] };
      for (const field of ["topic", "event"] as const) {
        if (m[field] === undefined || m[field] === null || m[field] === "") e[field] = ["can't be blank"];
        else if (typeof m[field] !== "string") e[field] = ["is invalid"];
      }
      if (m.payload === undefined || m.payload === null) e.payload = ["can't be blank"];
      else if (!isPlainObject(m.payload)) e.payload = ["is invalid"];
      else if (Buffer.byteLength(JSON.stringify(m.payload)) > this.deps.payloadLimit) e.payload = ["Payload size exceeds tenant limit"];
      if (m.private !== undefined && m.private !== null && typeof m.private !== "boolean") e.private = ["is invalid"];
      if (Object.keys(e).length === 0) {
        messages.push({ topic: m.topic as string, event: m.event as string, payload: m.payload as Record<string, unknown>, private: m.private === true, id: typeof m.id === "string" ? m.id : undefined });
      }
      return e;
    });
    if (errors.some((e) => Object.keys(e).length > 0)) return json(res, 422, { errors: { messages: errors } });

    const asBroadcast = (m: Message) => {
      const payload = { payload: m.payload, event: m.event, type: "broadcast", ...(m.id ? { meta: { id: m.id } } : {}) };
      const topic = `${REALTIME_PREFIX}${m.topic}`;
      return new Outgoing((vsn) => encodeMessage(vsn, topic, "broadcast", payload, null));
    };
    for (const m of messages) if (!m.private) this.deps.deliver(false, m.topic, asBroadcast(m));
    // Private messages go out only on topics the caller may write to; the others (a failing policy
    // too) are dropped, still 202.
    const privateTopics = [...new Set(messages.filter((m) => m.private).map((m) => m.topic))];
    for (const topic of privateTopics) {
      const allowed = await mayWrite(topic).catch((e: unknown) => {
        if (e instanceof PolicyError) return false;
        throw e;
      });
      if (!allowed) continue;
      for (const m of messages) if (m.private && m.topic === topic) this.deps.deliver(true, topic, asBroadcast(m));
    }
    json(res, 202, undefined);
  }
}

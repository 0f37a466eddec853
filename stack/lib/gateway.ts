import http from "node:http";
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import type { ProjectConfig } from "./config.js";
import type { FunctionsRuntime } from "./functions.js";
import { dbUrl, type Instance, type Keys } from "./instance.js";
import { createAuthAdmin } from "./auth-admin.js";
import { verifyJwt } from "./jwt.js";
import { buildOpenApi } from "./openapi.js";
import { authLimitOf, authRateLimits } from "./ratelimit.js";
import type { RealtimeServer } from "./realtime/server.js";
import { webHeaders, type LiteApi } from "./rest.js";
import { missingApiKey, multipartAsPlainUpload, signedTokenRefusal, signMany, signManyBucket, storageAnswer, storageBody, storageRequestHeaders } from "./storage.js";
import { RECONNECT_OPTIONS } from "./db-options.js";
import type { DatabaseWatch } from "./db-watch.js";
import { isConnectionError, unavailable, type Api } from "./unavailable.js";

export interface GatewayParts {
  instance: Instance;
  keys: Keys;
  config: ProjectConfig;
  lite: LiteApi;
  functions: FunctionsRuntime;
  realtime: RealtimeServer;
  /** Whether Postgres is there: while it is not, each API answers a 503 at once. */
  watch: DatabaseWatch;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

// Kong's CORS plugin on Supabase: any origin, the request's headers echoed back on preflight.
const CORS: http.OutgoingHttpHeaders = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Content-Range, Content-Profile, Content-Location, Location, X-Total-Count, Preference-Applied, Idempotent-Replayed, X-Supabase-Api-Version, Retry-After",
};

function preflight(req: http.IncomingMessage, res: http.ServerResponse) {
  res.writeHead(200, {
    ...CORS,
    "access-control-allow-methods": "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "authorization, x-client-info, apikey, content-type",
    "access-control-max-age": "3600",
    "content-length": "0",
  });
  res.end();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function sendWebResponse(res: http.ServerResponse, r: Response, extra: http.OutgoingHttpHeaders = {}) {
  const headers: http.OutgoingHttpHeaders = { ...extra };
  r.headers.forEach((v, k) => {
    if (k !== "set-cookie" && k !== "content-length" && k !== "content-encoding") headers[k] = v;
  });
  const cookies = r.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  const body = Buffer.from(await r.arrayBuffer());
  headers["content-length"] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

// GoTrue's request fields that are strings; `data` (user metadata) is an object.
const AUTH_TEXT_FIELDS = ["email", "phone", "password", "refresh_token", "token", "token_hash", "type", "provider", "code_challenge", "code_challenge_method"];
// An unpaired UTF-16 surrogate, which JSON's \u escapes can carry and UTF-8 cannot.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (v: unknown): boolean =>
  typeof v === "string" ? v.includes("\0") || LONE_SURROGATE.test(v) : v !== null && typeof v === "object" && Object.entries(v).some(([k, x]) => unstorable(k) || unstorable(x));

/** A JSON object body's fields; none for any other body. */
function bodyFields(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A 400 for an auth request body that lite, or the hook's call, would answer with a 500: text
 * Postgres cannot store (NUL, an unpaired surrogate) anywhere in it, a field GoTrue decodes as a
 * string given as another type, or metadata that is not an object. Null for anything else (a
 * body that is not JSON gets lite's own bad_json).
 */
export function authInputRefusal(body: Buffer): { status: number; body: unknown } | null {
  let input: unknown;
  try {
    input = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return null;
  }
  if (!input || typeof input !== "object" || Array.isArray(input)) return null;
  const fields = input as Record<string, unknown>;
  if (unstorable(fields)) {
    return { status: 400, body: { code: 400, error_code: "validation_failed", msg: "Text may not contain NUL characters (\\u0000) or unpaired surrogates" } };
  }
  const wrong = AUTH_TEXT_FIELDS.find((f) => fields[f] != null && typeof fields[f] !== "string");
  const data = fields.data;
  const why = wrong ? `${wrong} must be a string` : data != null && (typeof data !== "object" || Array.isArray(data)) ? "data must be an object" : null;
  return why ? { status: 400, body: { code: 400, error_code: "bad_json", msg: `Could not parse request body as JSON: ${why}` } } : null;
}

/**
 * The path lite's router (Hono) matches for a request target, so the gateway routes on exactly
 * what lite serves: the URL parsed as lite receives it (dot segments resolved, `%2e` too), then
 * percent-escapes decoded once with decodeURI (reserved ones such as `%2F` stay encoded, `%25`
 * stays `%25`, a malformed escape stays as it is). Lite keeps case, `//` and a trailing slash
 * significant, and so does this. Null for a target that is not a path.
 */
export function routePath(target: string): string | null {
  if (!target.startsWith("/")) return null;
  const path = new URL(`http://localhost${target}`).pathname;
  if (!path.includes("%")) return path;
  const escaped = path.replace(/%25/g, "%2525");
  try {
    return decodeURI(escaped);
  } catch {
    return escaped.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURI(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * The one origin, as Kong is under `supabase start`: `/rest/v1`, `/auth/v1` and `/storage/v1` go to lite,
 * `/functions/v1/<name>` to the function's Deno process, `/realtime/v1` (the WebSocket and the
 * broadcast API) to the local Realtime server, each routed on the path lite decodes (routePath).
 * Auth requests meet Supabase Auth's rate limits (ratelimit.ts), the body checks lite lacks
 * (authInputRefusal), the Before User Created hook and the admin API (auth-admin.ts) here
 * first; REST requests, the refusal of roles outside the API's (rest.ts).
 */
export function createGateway(parts: GatewayParts): http.Server {
  const { instance, keys, config, lite, functions, realtime, watch } = parts;
  const sql = postgres(dbUrl(instance), { max: 2, ...RECONNECT_OPTIONS, onnotice: () => {} });
  const answerUnavailable = (res: http.ServerResponse, api: Api, detail: string, lost = false) => {
    const a = unavailable(api, detail, lost);
    json(res, a.status, a.body, { ...CORS, ...a.headers });
  };
  // Lite has no rate limits: Supabase Auth's, per client address, from config.toml.
  const allowAuth = authRateLimits(config.authRateLimits);
  // Lite has no admin API: GoTrue's, for the service role (auth-admin.ts).
  const authAdmin = createAuthAdmin(sql, keys, config);

  async function toLite(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, path: string) {
    const answer = (path.startsWith("/rest/") ? await lite.roleRefusal(req.headers) : null) ?? (await lite.rpc(req, body));
    if (answer) {
      res.writeHead(answer.status, { ...CORS, ...answer.headers, "content-length": String(answer.body.length) });
      return res.end(answer.body);
    }
    const url = `http://127.0.0.1:${instance.apiPort}${req.url}`;
    const hasBody = body.length > 0 && req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, { method: req.method, headers: webHeaders(req.headers), body: hasBody ? new Uint8Array(body) : undefined });
    const response = await lite.fetch(request, req.socket.remoteAddress ?? null, path.startsWith("/rest/"));
    // Lite answers a lost connection with a 500 of its own: a 503 when the database is away.
    if (response.status >= 500) {
      await watch.probe();
      if (!watch.up) return answerUnavailable(res, path.startsWith("/rest/") ? "rest" : "auth", "no connection to the server", true);
    }
    // Lite decides who may read the OpenAPI description (the secret key only, as on Supabase);
    // the document itself comes from the catalog (openapi.ts).
    const openApi = req.method === "GET" && /^\/rest\/v1\/?$/.test(path) && response.status === 200;
    if (!openApi) return sendWebResponse(res, response, CORS);
    const doc = await buildOpenApi(sql, "public", "service_role", req.headers.host ?? `127.0.0.1:${instance.apiPort}`);
    json(res, 200, doc, { ...CORS, "content-type": "application/openapi+json; charset=utf-8" });
  }

  /** `/storage/v1` to lite's Storage API, with Storage's behaviour where lite's differs (storage.ts). */
  async function toStorage(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, path: string, url: URL) {
    const method = req.method ?? "GET";
    const key = typeof req.headers.apikey === "string" ? req.headers.apikey : url.searchParams.get("apikey");
    const refusal = missingApiKey(method, path, key, lite.isApiKey) ?? signedTokenRefusal(path, url.searchParams.get("token"), keys.jwtSecret);
    if (refusal) return json(res, refusal.status, refusal.body, CORS);
    const roleRefused = await lite.roleRefusal(req.headers);
    if (roleRefused) {
      res.writeHead(roleRefused.status, { ...CORS, ...roleRefused.headers, "content-length": String(roleRefused.body.length) });
      return res.end(roleRefused.body);
    }
    const headers = webHeaders(req.headers);
    const send = (target: string, sendMethod: string, sendBody: Buffer) => {
      const hasBody = sendBody.length > 0 && sendMethod !== "GET" && sendMethod !== "HEAD";
      const h = storageRequestHeaders(new Headers(headers), hasBody ? sendBody : Buffer.alloc(0));
      return lite.fetchStorage(new Request(`http://127.0.0.1:${instance.apiPort}${target}`, { method: sendMethod, headers: h, body: hasBody ? new Uint8Array(sendBody) : undefined }), req.socket.remoteAddress ?? null);
    };
    const bucket = signManyBucket(method, path);
    if (bucket !== null) {
      const signed = await signMany(body, (name, expiresIn) => {
        headers.set("content-type", "application/json");
        const target = `/storage/v1/object/sign/${encodeURIComponent(bucket)}/${name.split("/").map(encodeURIComponent).join("/")}`;
        return send(target, "POST", Buffer.from(JSON.stringify({ expiresIn })));
      });
      return json(res, signed.status, signed.body, CORS);
    }
    const plain = await multipartAsPlainUpload(method, path, headers, body);
    const input = Buffer.isBuffer(plain) ? storageBody(method, path, plain) : plain;
    if (!Buffer.isBuffer(input)) return json(res, input.status, input.body, CORS);
    const response = await send(req.url ?? path, method, input);
    if (!/^application\/json/.test(response.headers.get("content-type") ?? "")) return sendWebResponse(res, response, CORS);
    const answer = storageAnswer(method, path, response.status, await response.json());
    const out: http.OutgoingHttpHeaders = { ...CORS };
    response.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "content-encoding") out[k] = v;
    });
    json(res, response.status, answer, out);
  }

  /**
   * Supabase Auth calls the Before User Created hook before it inserts a user; lite has no
   * hooks, so the gateway calls the same Postgres function with the same event and answers with
   * the hook's error the way GoTrue does.
   */
  async function beforeUserCreated(body: Buffer, req: http.IncomingMessage): Promise<{ status: number; body: unknown } | null> {
    if (!config.beforeUserCreatedHook) return null;
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString("utf8") || "{}");
    } catch {
      return { status: 400, body: { code: 400, error_code: "bad_json", msg: "Could not parse request body as JSON" } };
    }
    const now = new Date().toISOString();
    const event = {
      metadata: { uuid: randomUUID(), time: now, name: "before-user-created", ip_address: req.socket.remoteAddress ?? "" },
      user: {
        id: randomUUID(),
        aud: "authenticated",
        role: "",
        email: typeof input.email === "string" ? input.email : "",
        phone: typeof input.phone === "string" ? input.phone : "",
        app_metadata: { provider: input.phone ? "phone" : "email", providers: [input.phone ? "phone" : "email"] },
        user_metadata: input.data && typeof input.data === "object" ? input.data : {},
        identities: [],
        created_at: now,
        updated_at: now,
        is_anonymous: false,
      },
    };
    const [schema, fn] = config.beforeUserCreatedHook.split(".") as [string, string];
    const rows = await sql.begin(async (tx) => {
      await tx`set local role supabase_auth_admin`;
      return tx.unsafe(`select "${schema}"."${fn}"($1::jsonb) as result`, [event as never]);
    });
    const result = (rows[0]?.result ?? {}) as { error?: { http_code?: number; message?: string; error_code?: string } };
    if (!result.error) return null;
    const status = result.error.http_code ?? 400;
    return { status, body: { code: status, error_code: result.error.error_code ?? "signup_disabled", msg: result.error.message ?? "Sign-up refused" } };
  }

  async function toFunction(req: http.IncomingMessage, res: http.ServerResponse, name: string, rest: string) {
    if (req.method !== "OPTIONS" && config.verifyJwt[name] !== false) {
      const auth = req.headers.authorization;
      const token = auth?.match(/^Bearer\s+(.+)$/i)?.[1];
      if (!token) return json(res, 401, { msg: "Error: Missing authorization header" });
      if (!verifyJwt(token, keys.jwtSecret)) return json(res, 401, { msg: "Invalid JWT" });
    }
    let port: number | null;
    try {
      port = await functions.portOf(name);
    } catch {
      return json(res, 503, { code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" });
    }
    if (port === null) return json(res, 404, { code: "NOT_FOUND", message: "Requested function was not found" });
    const upstream = http.request(
      { host: "127.0.0.1", port, method: req.method, path: `/${name}${rest}`, headers: { ...req.headers, host: `127.0.0.1:${port}` }, timeout: 150_000 },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error("timeout")));
    upstream.on("error", () => {
      if (!res.headersSent) json(res, 502, { code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" });
      else res.destroy();
    });
    req.pipe(upstream);
  }

  const server = http.createServer(async (req, res) => {
    try {
      // Routed on the path lite decodes, so a percent-encoded `/auth/v1/%73ignup` is the sign-up
      // and gets the hook; each part still receives the request as sent.
      const p = routePath(req.url ?? "");
      if (p === null) return json(res, 400, { message: "Invalid request path" });
      const url = new URL(`http://localhost${req.url}`);
      const fn = /^\/functions\/v1\/([^/]+)/.exec(p);
      if (fn) return await toFunction(req, res, fn[1]!, url.pathname.replace(/^\/[^/]*\/[^/]*\/[^/]*/, "") + url.search);

      const service = /^\/(rest|auth|realtime|storage)\/v1(\/|$)/.exec(p)?.[1];
      if (!service) return json(res, 404, { message: "no Route matched with those values" });
      if (req.method === "OPTIONS") return preflight(req, res);
      if (!watch.up && service !== "realtime") return answerUnavailable(res, service as Api, "connection refused");
      const body = await readBody(req);
      if (service === "realtime") return await realtime.handleHttp(req, res, body);
      if (service === "storage") return await toStorage(req, res, body, p, url);
      const limit = service === "auth" ? authLimitOf(req.method ?? "", p, url.searchParams.get("grant_type"), bodyFields(body)) : null;
      if (limit && !allowAuth(req.socket.remoteAddress ?? "", limit)) {
        return json(res, 429, { code: 429, error_code: "over_request_rate_limit", msg: "Request rate limit reached" }, { ...CORS, "x-sb-error-code": "over_request_rate_limit" });
      }
      if (service === "auth" && req.method !== "GET" && req.method !== "HEAD") {
        const refusal = authInputRefusal(body) ?? (req.method === "POST" && p === "/auth/v1/signup" ? await beforeUserCreated(body, req) : null);
        if (refusal) return json(res, refusal.status, refusal.body, CORS);
      }
      const admin = service === "auth" ? await authAdmin(req.method ?? "GET", p, url, req.headers, body, `http://${req.headers.host ?? `127.0.0.1:${instance.apiPort}`}`) : null;
      if (admin) return json(res, admin.status, admin.body, { ...CORS, ...admin.headers, ...(admin.status >= 400 ? { "x-sb-error-code": (admin.body as { error_code: string }).error_code } : {}) });
      await toLite(req, res, body, p);
    } catch (e) {
      const api = /^\/(rest|auth|realtime)\/v1(\/|$)/.exec(routePath(req.url ?? "") ?? "")?.[1] as Api | undefined;
      if (api && !res.headersSent && isConnectionError(e)) return answerUnavailable(res, api, (e as Error).message, true);
      console.error("gateway:", e);
      if (!res.headersSent) json(res, 500, { message: "Gateway error", hint: (e as Error).message }, CORS);
      else res.destroy();
    }
  });

  server.on("upgrade", (req, socket, head) => {
    const p = routePath(req.url ?? "");
    if (p === "/realtime/v1/websocket") return realtime.handleUpgrade(req, socket, head);
    socket.end("HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n" + JSON.stringify({ message: "no Route matched with those values" }));
  });
  server.on("close", () => void sql.end());
  return server;
}

import type http from "node:http";
import path from "node:path";
import { AsyncLocalStorage } from "node:async_hooks";
import { isUtf8 } from "node:buffer";
import { App, type AnyAST, type IAppConfig, type ConnectionContextOptions, type FunctionInfo, type IntrospectResult, type ResolvedKey } from "@supabase/lite";
import { createPostgresConnection, type PostgresConnection } from "@supabase/lite/postgres";
import { sql, type Kysely } from "kysely";
import postgres from "postgres";
import type { ProjectConfig } from "./config.js";
import { dbUrl, type Instance, type Keys } from "./instance.js";
import { RECONNECT_OPTIONS } from "./db-options.js";
import { API_ROLES, signedJwtCache, unexpired, type JwtClaims, type SignedJwt } from "./jwt.js";
import { enableStorage, storageMiddleware } from "./storage.js";

/**
 * `/rest/v1` (PostgREST) and `/auth/v1` (GoTrue) served by @supabase/lite on its `postgres`
 * driver. Every way lite differs from Supabase that matters to this project is handled here,
 * and each one has a test in tests/integration/stack-gaps.test.ts:
 *
 * 1. On the first request lite grants ALL on every table of every schema that has RLS to
 *    anon, authenticated and service_role. Supabase never does that, and it would undo the
 *    migrations' own grants, so lite is told RLS context is already set up.
 * 2. Lite accepts only opaque `sb_publishable_`/`sb_secret_` keys. Supabase also accepts the
 *    legacy JWT keys (`ANON_KEY`, `SERVICE_ROLE_KEY`), which tools and Edge Functions use, so
 *    both forms are resolved here.
 * 3. Lite stores user metadata as a JSON string: unwrapped by a trigger in stack/sql/02-auth.sql.
 * 4. Lite has no auth hooks: the gateway runs the Before User Created hook (gateway.ts).
 * 5. Lite returns timestamps in Postgres' text form ("2026-01-02 03:04:05+00"); PostgREST
 *    returns JSON's ISO 8601 form ("2026-01-02T03:04:05+00:00"), which clients validate.
 * 6. Lite maps only some SQLSTATEs to HTTP statuses and answers every other database error
 *    with a 500 and code "SUP" (a check constraint, `raise exception` in a function). PostgREST
 *    answers those with its documented status (mostly 400) and the SQLSTATE as `code`.
 * 7. Lite's OpenAPI description at `/rest/v1/` has no paths or definitions; the gateway serves
 *    one built from the catalog (openapi.ts).
 * 8. Lite writes a json/jsonb RPC argument that is an object or array as JSON text, and its
 *    postgres driver then encodes that text again: the function would get a JSON string, not
 *    the array. Text goes to Postgres as it is here, anything else is encoded once (a JSON
 *    string argument is marked first: gap 12).
 * 9. Lite returns a `numeric` that is not already in a number's shortest form as a string
 *    ("4.0", "1.50"), floats' NaN and infinities as null, and `bytea` as a byte array object.
 *    PostgREST writes values with Postgres' to_json: numbers as JSON numbers, NaN and the
 *    infinities as strings, bytea as "\x…" text. Values are read here as to_json writes them;
 *    a number beyond a double's precision arrives as the nearest double, as a JSON client
 *    reading PostgREST's answer gets it too.
 * 10. Lite switches to whatever role a correctly signed token names (`postgres` too, as its
 *    connection is the superuser's). PostgREST connects as `authenticator`, which may become only
 *    anon, authenticated and service_role: any other role that exists is Postgres' 42501
 *    "permission denied to set role" (403), one that does not is 22023 (401), before any query.
 * 11. Lite's schema cache holds every schema, and it matches tables by name alone in places: a
 *    `*` inside an embed took the columns of every table of that name (`messages(*)` also read
 *    `realtime.messages`' columns), and an embedding error named whichever schema came first.
 *    PostgREST's cache holds only the exposed schemas (`db-schemas`), so lite is given only
 *    those: their tables, views, columns, keys and functions.
 * 12. Lite reads a string given for a json/jsonb column as JSON text (`"{\"a\":1}"` was stored as
 *    an object, `""` and `"plain"` were refused), and, with gap 8's driver, a string given for a
 *    json/jsonb RPC argument too; a boolean for a jsonb column was refused. PostgREST stores the
 *    JSON it is given. Such values are marked once lite has parsed the request
 *    (`keepJsonValues`) and written as JSON.
 * 13. Lite answers `Prefer: tx=rollback` as applied but commits. Supabase lets a request ask for
 *    a rollback (`.rollback()` in supabase-js; PostgREST's `db-tx-end = commit-allow-override`):
 *    such a request runs as lite's forced rollback.
 *
 * Speed, with the same behaviour:
 *
 * - Lite sets each request setting (role, JWT claims, request method, path and headers) with a
 *   statement of its own, ten per RPC call, and postgres.js spends two round trips on each
 *   parameterised statement it has not prepared. Its two context steps are replaced by one
 *   statement each, setting the same values in the same order
 *   (tests/integration/rest-context.test.ts).
 * - On every request lite also rebuilds a map of column types from the whole schema cache
 *   (about 0.8 ms here, mostly regular expressions over the views' SQL), and an RPC call still
 *   takes six statements and nine round trips. The calls the app makes most, `POST
 *   /rest/v1/rpc/<fn>` with JSON arguments to a stable function that returns rows, with no
 *   query string, Prefer or Range, are answered here instead (`rpc`): the same settings, the
 *   same call with lite's casts and row limit, the same answer, sent as one simple query (one
 *   implicit transaction, one round trip), with each value a literal that means what
 *   postgres.js sends for it as a parameter. Any other request goes to lite, and so does any
 *   call that fails or sets a response status or headers: lite runs it again, which changes
 *   nothing for a stable function, and answers it its own way. Every answer is compared with
 *   lite's in tests/integration/rest-rpc.test.ts. The headers object for `request.headers` is
 *   built straight from Node's headers when a web Headers object would hold the same
 *   (`requestHeaders`), and the caller's key is resolved without a promise.
 */

/** SQLSTATEs (exact or by two-character class) that lite itself maps to a status. */
const LITE_MAPPED = /^(42|22|21|55|53|PT)|^(23502|23503|23505|25006|PGRST)$/;

/** PostgREST's HTTP status for a SQLSTATE (docs: "Errors from PostgreSQL"). */
export function postgrestStatus(code: string): number {
  if (code === "P0001") return 400;
  const byClass: Record<string, number> = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
    "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
    F0: 500, HV: 500, P0: 500, XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

interface DbError { code?: unknown; message?: string; detail?: string; hint?: string }

/**
 * Gap 6: hands lite the errors it would turn into a 500 as a `PGRST` error, lite's channel for
 * a function-chosen response, carrying PostgREST's status and body.
 */
export function asPostgrestError(error: unknown): unknown {
  const e = error as DbError;
  if (typeof e?.code !== "string" || !/^[0-9A-Z]{5}$/.test(e.code) || LITE_MAPPED.test(e.code)) return error;
  return Object.assign(new Error(e.message), {
    code: "PGRST",
    message: JSON.stringify({ code: e.code, message: e.message, details: e.detail ?? null, hint: e.hint ?? null }),
    detail: JSON.stringify({ status: postgrestStatus(e.code), headers: {} }),
  });
}

/** Postgres text timestamp to the ISO 8601 form `to_json` (and so PostgREST) produces. */
export function isoTimestamp(text: string): string {
  const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?$/.exec(text);
  if (!m) return text.replace(" ", "T"); // timestamp without time zone, BC dates, infinity
  const [, date, time, hours, minutes = "00", seconds] = m;
  return `${date}T${time}${hours}:${minutes}${seconds ? `:${seconds}` : ""}`;
}

/** A numeric or float as Postgres' to_json writes it: a number, or "NaN"/"Infinity"/"-Infinity". */
export function jsonNumber(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** bytea as Postgres' to_json writes it ("\\x…" hex text); written back from the same text or bytes. */
const byteaText = {
  to: 17,
  from: [17],
  serialize: (v: string | Uint8Array) => (typeof v === "string" ? v : `\\x${Buffer.from(v).toString("hex")}`),
  parse: (v: string) => v,
};

/** What lite passes its context steps: the request's claims and storage operation. */
interface RequestVars {
  auth?: { uid?: unknown; role?: unknown; jwt?: unknown };
  storage?: { operation?: unknown };
}

/** Lite's two per-request context steps (private in its typings), replaced below. */
interface ContextSteps {
  applyJwtSessionContext(tx: Kysely<unknown>, vars: RequestVars, setRole: boolean): Promise<void>;
  applyRpcRequestGucs(tx: Kysely<unknown>, rpc: NonNullable<ConnectionContextOptions["rpc"]>): Promise<void>;
}

/**
 * Lite's context steps as one statement each. Lite follows `set_config('role', …)` with
 * `SET LOCAL ROLE` for roles other than the API's own; that is the same setting, already made.
 */
function contextInOneStatement(connection: PostgresConnection): void {
  const steps = connection as unknown as ContextSteps;
  steps.applyJwtSessionContext = async (tx, vars) => {
    const role = vars.auth?.role || "anon";
    const jwt = vars.auth?.jwt;
    const claims = jwt && typeof jwt === "object" ? sql`, set_config('request.jwt.claims', ${JSON.stringify(jwt)}, true)` : sql``;
    await sql`select set_config('role', ${role}, true), set_config('request.jwt.claim.sub', ${String(vars.auth?.uid ?? "")}, true),
      set_config('request.jwt.claim.role', ${role}, true), set_config('storage.operation', ${String(vars.storage?.operation ?? "")}, true)${claims}`.execute(tx);
  };
  steps.applyRpcRequestGucs = async (tx, rpc) => {
    await sql`select set_config('response.status', '', true), set_config('response.headers', '', true),
      set_config('request.method', ${rpc.method}, true), set_config('request.path', ${rpc.path}, true),
      set_config('request.headers', ${JSON.stringify(rpc.requestHeaders ?? {})}, true)`.execute(tx);
  };
}

/** The headers lite sees: the gateway hands it a web Request made from Node's headers. */
export function webHeaders(h: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
  }
  return out;
}

// A header name a web Headers object takes, and a value it keeps as it is (it refuses NUL, CR
// and LF, and trims leading and trailing spaces and tabs).
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const CHANGED_BY_HEADERS = /[\0\r\n]|^[\t ]|[\t ]$/;

/**
 * The request headers lite sets as `request.headers`: `Object.fromEntries` of the headers of
 * the web Request the gateway makes (webHeaders), which iterate sorted by name. Built straight
 * from Node's headers when each is one value a Headers object keeps as it is; any other request
 * goes through a Headers object as before.
 */
export function requestHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const names = Object.keys(h).sort();
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = h[name];
    if (v === undefined) continue;
    if (typeof v !== "string" || !TOKEN.test(name) || CHANGED_BY_HEADERS.test(v)) return Object.fromEntries(webHeaders(h));
    out[name] = v;
  }
  return out;
}

/** A whole answer, for the gateway to send. */
export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A call for the RPC fast path: the function, its arguments, and the caller as lite sees them. */
export interface RpcCall {
  fn: string;
  args: Record<string, unknown>;
  role: string;
  sub: string;
  claims: Record<string, unknown>;
  headers: Record<string, string>;
}

// Lite passes arguments of these types uncast; JSON and array arguments it passes as JSON text.
const UNCAST_TYPES = new Set(["text", "character", "character varying", "bpchar", "varchar", "name", "citext"]);
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// postgres.js writes a string or number parameter of these types its own way (a boolean as 'f',
// bytes as hex; a time as given, so a number fails): left to lite.
const OWN_WAY = /^(boolean|bytea|(date|time|timestamp)( with(out)? time zone)?)$/;

/**
 * A value as the SQL literal that means what postgres.js sends for it as a parameter (strings,
 * numbers and null untyped, booleans boolean), or undefined for any other value.
 */
export function sqlLiteral(value: unknown): string | undefined {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return `'${value}'`;
  // Text cannot hold NUL; lite gets Postgres' error for it.
  if (typeof value === "string" && !value.includes("\0")) return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  return undefined;
}

/**
 * The statements that answer an RPC call as lite does, in one round trip: the request settings,
 * the call (lite's named arguments and casts, its row limit), and the response settings a
 * function may set. Null when lite must answer: not exactly one function of the name, a
 * function that is volatile, variadic or not a set of rows, an argument it does not name, or an
 * argument lite passes as JSON text or postgres.js writes its own way.
 */
export function rpcStatements(call: RpcCall, candidates: readonly FunctionInfo[], maxRows: number | undefined): string | null {
  const f = candidates.length === 1 ? candidates[0]! : null;
  const rows = f && f.return_is_setof && (f.has_out_args || f.return_typtype === "c" || f.return_typtype === "p");
  if (!f || !rows || f.volatility === "v" || f.has_variadic || !IDENTIFIER.test(call.fn)) return null;
  const args: string[] = [];
  for (const [name, value] of Object.entries(call.args)) {
    const type = IDENTIFIER.test(name) ? f.arg_types[f.arg_names.indexOf(name)] : undefined;
    const literal = sqlLiteral(value);
    if (!type || !/^[a-z_][a-z0-9_ .]*$/i.test(type) || /^(_|jsonb?$)/i.test(type) || literal === undefined) return null;
    if ((typeof value === "string" || typeof value === "number") && OWN_WAY.test(type.toLowerCase())) return null;
    args.push(`${name} := ${literal}${UNCAST_TYPES.has(type.toLowerCase()) ? "" : `::${type}`}`);
  }
  const settings: Array<[string, string]> = [
    ["role", call.role],
    ["request.jwt.claim.sub", call.sub],
    ["request.jwt.claim.role", call.role],
    ["storage.operation", ""],
    ["request.jwt.claims", JSON.stringify(call.claims)],
    ["response.status", ""],
    ["response.headers", ""],
    ["request.method", "POST"],
    ["request.path", `/rpc/${call.fn}`],
    ["request.headers", JSON.stringify(call.headers)],
  ];
  const values = settings.map(([, v]) => sqlLiteral(v));
  if (values.includes(undefined)) return null;
  const limit = maxRows !== undefined && maxRows > 0 ? ` limit ${maxRows}` : "";
  return [
    `select ${settings.map(([name], i) => `set_config('${name}', ${values[i]}, true)`).join(", ")}`,
    `select * from public.${call.fn}(${args.join(", ")}) as "${call.fn}"${limit}`,
    "select current_setting('response.status', true) as status, current_setting('response.headers', true) as headers",
  ].join(";\n");
}

/**
 * The claims of a user's token when lite accepts it: jose's HS256 checks (header and claims JSON
 * objects in strict UTF-8, no critical or unencoded-payload header, numeric times, not expired
 * and not before its time) and lite's own (not issued in the future). Null for any other token.
 */
export function acceptedClaims(token: string, signed: SignedJwt | null, now = Math.floor(Date.now() / 1000)): JwtClaims | null {
  if (!signed || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return null;
  const [head, body] = token.split(".") as [string, string];
  const { header, claims } = signed;
  if (!isUtf8(Buffer.from(head, "base64url")) || !isUtf8(Buffer.from(body, "base64url"))) return null;
  if ("crit" in header || "b64" in header || Array.isArray(claims)) return null;
  const times = [claims.exp, claims.nbf, claims.iat];
  if (times.some((t) => t !== undefined && typeof t !== "number")) return null;
  const [exp, nbf, iat] = times as Array<number | undefined>;
  return (exp === undefined || exp > now) && (nbf === undefined || nbf <= now) && (iat === undefined || iat <= now) ? claims : null;
}

/** Lite's CORS headers on its /rest/v1 answers. */
const LITE_CORS = { "access-control-allow-origin": "*", "access-control-expose-headers": "Content-Range, Content-Location, Preference-Applied" };

// Decodes a body as lite's Request.text() does (a leading byte order mark dropped).
const utf8 = new TextDecoder();

/** JSON as lite writes it: a bigint too large for a number becomes the nearest number. */
function toJson(value: unknown): string {
  try {
    return JSON.stringify(value); // without a replacer, which costs a call per value
  } catch {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? Number.parseInt(v.toString(), 10) : v));
  }
}
/**
 * Gap 12: a value given for a json/jsonb column or argument. Lite passes it through as a value
 * (or, for an argument, encodes it with JSON.stringify, which writes the value), and the driver
 * encodes it once: a string as the JSON string it is, a boolean as JSON (not as a Postgres
 * boolean, which a jsonb column refuses).
 */
export class JsonValue {
  constructor(readonly value: unknown) {}
  toJSON(): unknown {
    return this.value;
  }
}

const isJsonType = (type: string | undefined): boolean => /^jsonb?$/i.test((type ?? "").trim());
const marked = (v: unknown): unknown => (v === null || v === undefined ? v : new JsonValue(v));

/**
 * Gap 12: marks the values a request gives for json/jsonb columns (insert, update, upsert) and
 * for a POST RPC call's json/jsonb arguments, so they are written as the JSON they are.
 */
export function keepJsonValues(ast: AnyAST, schema: IntrospectResult): AnyAST {
  const a = ast as { type?: string; schema?: string; from?: string; values?: unknown; function?: string; args?: unknown; httpMethod?: string };
  const ns = a.schema ?? "public";
  if (["insert", "update", "upsert", "put"].includes(a.type ?? "") && a.from && a.values && typeof a.values === "object") {
    const json = schema.columns.filter((c) => c.table === a.from && (c.schema ?? "public") === ns && isJsonType(c.pg_type ?? c.type)).map((c) => c.name);
    if (!json.length) return ast;
    const row = (r: unknown): unknown => {
      if (!r || typeof r !== "object" || Array.isArray(r)) return r;
      const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
      for (const name of json) if (name in out) out[name] = marked(out[name]);
      return out;
    };
    return { ...a, values: Array.isArray(a.values) ? a.values.map(row) : row(a.values) } as AnyAST;
  }
  if (a.type === "rpc" && a.httpMethod === "POST" && a.function && a.args && typeof a.args === "object" && !Array.isArray(a.args)) {
    const candidates = (schema.functions ?? []).filter((f) => f.schema === ns && f.name === a.function);
    const args = { ...(a.args as Record<string, unknown>) };
    for (const name of Object.keys(args)) {
      const types = candidates.filter((f) => f.arg_names.includes(name)).map((f) => f.arg_types[f.arg_names.indexOf(name)]);
      if (types.length && types.every(isJsonType)) args[name] = marked(args[name]);
    }
    return { ...a, args } as AnyAST;
  }
  return ast;
}

/** Gap 8: JSON text as it is, any other value encoded. */
const jsonOnce = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

export interface LiteApi {
  app: App<IAppConfig>;
  connection: PostgresConnection;
  /** Whether a key is one of the stack's API keys (opaque or legacy JWT). */
  isApiKey(key: string): boolean;
  /** Lite's answer to a request, with a REST request's `Prefer: tx=rollback` honoured (gap 13). */
  fetch(request: Request, peerAddress: string | null, rest: boolean): Promise<Response>;
  /** Lite's answer to a `/storage/v1` request (storage.ts), which reads the storage schema. */
  fetchStorage(request: Request, peerAddress: string | null): Promise<Response>;
  /** Gap 10: PostgREST's refusal of a token naming a role other than the API's, or null. */
  roleRefusal(h: http.IncomingHttpHeaders): Promise<RestAnswer | null>;
  /** The fast path for RPC calls (see above): the answer, or null when lite must answer. */
  rpc(req: http.IncomingMessage, body: Buffer): Promise<RestAnswer | null>;
  /**
   * Reloads the schema cache on `NOTIFY pgrst, 'reload schema'`, as PostgREST does, so a table
   * or function made after the stack started (in Studio, psql or a test) is served at once.
   */
  listenForSchemaReloads(): Promise<void>;
  close(): Promise<void>;
}

/** The schemas the API serves, as `db-schemas` (Supabase's `[api] schemas`). */
export const EXPOSED_SCHEMAS: readonly string[] = ["public", "graphql_public"];

/**
 * Gap 11: the schema cache as PostgREST holds it, with only the exposed schemas' objects.
 * Types stay whole (a column may be of an extension's type). A foreign key to a table of
 * another schema (`auth.users`) is left out: lite knows it only by the table's name.
 */
export function exposedIntrospection(all: IntrospectResult, schemas: readonly string[] = EXPOSED_SCHEMAS): IntrospectResult {
  const exposed = new Set(schemas);
  const inExposed = <T>(items: T[] | undefined): T[] | undefined => items?.filter((x) => exposed.has((x as { schema?: string }).schema ?? ""));
  const elsewhere = /REFERENCES ("?)([^".(]+)\1\./;
  return {
    ...all,
    tables: inExposed(all.tables)!,
    columns: inExposed(all.columns)!,
    views: inExposed(all.views)!,
    indexes: inExposed(all.indexes),
    primary_keys: inExposed(all.primary_keys),
    unique_constraints: inExposed(all.unique_constraints),
    check_constraints: inExposed(all.check_constraints),
    comments: inExposed(all.comments),
    functions: inExposed(all.functions),
    foreign_keys: inExposed(all.foreign_keys)?.filter((fk) => {
      const ref = elsewhere.exec((fk as { fk_def?: string }).fk_def ?? "")?.[2];
      return ref === undefined || exposed.has(ref);
    }),
  } as IntrospectResult;
}

/** Gap 13: whether a request's Prefer header asks for a rollback (the first `tx` wins, as in lite). */
export function wantsRollback(prefer: string | undefined): boolean {
  const tx = (prefer ?? "").split(",").map((t) => t.trim()).find((t) => t.startsWith("tx="));
  return tx === "tx=rollback";
}

/** The request being served is a Storage API request (set by `fetchStorage` below). */
const storageRequest = new AsyncLocalStorage<boolean>();

/** The REST request being served asked for a rollback (set by `fetch` below). */
const rollbackRequested = new AsyncLocalStorage<boolean>();

/** Lite's connection to the database, with the gaps and speed-ups above that live in it. */
export function createLiteConnection(url: string): PostgresConnection {
  const connection = createPostgresConnection({
    url,
    postgresOptions: {
      max: 20,
      ...RECONNECT_OPTIONS,
      onnotice: () => {},
      // Gap 5: timestamps as PostgREST writes them.
      types: {
        timestamp: { to: 1114, from: [1114], serialize: (v: string) => v, parse: isoTimestamp },
        timestamptz: { to: 1184, from: [1184], serialize: (v: string) => v, parse: isoTimestamp },
        // Gap 8: JSON encoded once.
        json: { to: 114, from: [114], serialize: jsonOnce, parse: (v: string) => JSON.parse(v) },
        jsonb: { to: 3802, from: [3802], serialize: jsonOnce, parse: (v: string) => JSON.parse(v) },
        // Gap 9: numbers, NaN and infinities, and bytes as to_json writes them.
        numeric: { to: 1700, from: [1700], serialize: (v: number | string) => String(v), parse: jsonNumber },
        float4: { to: 700, from: [700], serialize: (v: number | string) => String(v), parse: jsonNumber },
        float8: { to: 701, from: [701], serialize: (v: number | string) => String(v), parse: jsonNumber },
        bytea: byteaText,
      },
    },
  });
  // Gap 1: skip lite's blanket GRANT ALL (see above).
  (connection as unknown as { rlsState: string }).rlsState = "active";
  // Gap 6: PostgREST's statuses for the database errors lite does not map.
  connection.normalizeDbError = asPostgrestError;
  contextInOneStatement(connection);
  // Gap 11: only the exposed schemas, filtered once per schema cache. Lite's Storage API reads
  // `storage.objects` and `storage.buckets` through the same cache: its requests see them too.
  const introspect = connection.introspect.bind(connection);
  const exposedOf = new WeakMap<IntrospectResult, IntrospectResult>();
  const withStorageOf = new WeakMap<IntrospectResult, IntrospectResult>();
  connection.introspect = async (options) => {
    const all = await introspect(options);
    const [cache, schemas] = storageRequest.getStore() ? [withStorageOf, [...EXPOSED_SCHEMAS, "storage"]] : [exposedOf, EXPOSED_SCHEMAS];
    let exposed = cache.get(all);
    if (!exposed) cache.set(all, (exposed = exposedIntrospection(all, schemas)));
    return exposed;
  };
  // Gap 12: JSON values written as the JSON they are.
  const onAst = connection.onPostgrestAST.bind(connection);
  connection.onPostgrestAST = async (ast) => keepJsonValues(await onAst(ast), await connection.introspect({ useCache: true }));
  // Gap 13: a request that asked for a rollback runs as lite's forced rollback.
  const withContext = connection.withContext.bind(connection);
  connection.withContext = (vars, fn, opts) =>
    withContext(vars, fn, rollbackRequested.getStore() && !opts?.transaction ? { ...opts, forceRollback: true } : opts);
  return connection;
}

export function createLiteApi(i: Instance, keys: Keys, config: ProjectConfig): LiteApi {
  const connection = createLiteConnection(dbUrl(i));
  const signed = signedJwtCache(keys.jwtSecret);
  const resolveKey = (key: string): ResolvedKey | null => {
    if (key === keys.publishableKey) return { type: "publishable", claims: { role: "anon" } };
    if (key === keys.secretKey) return { type: "secret", claims: { role: "service_role" } };
    // Gap 2: legacy JWT API keys.
    const claims = unexpired(signed(key));
    if (claims?.role === "anon") return { type: "publishable", claims };
    if (claims?.role === "service_role") return { type: "secret", claims };
    return null;
  };
  const resolver = async (key: string): Promise<ResolvedKey | null> => resolveKey(key);

  const app = new App({
    connection,
    api: { schemas: [...EXPOSED_SCHEMAS] },
    auth: {
      enabled: true,
      jwt_secret: keys.jwtSecret,
      jwt_expiry: config.jwtExpiry,
      site_url: config.siteUrl,
      enable_signup: config.enableSignup,
      minimum_password_length: config.minimumPasswordLength,
      publishable_key: keys.publishableKey,
      secret_key: keys.secretKey,
      email: { enable_signup: config.enableSignup, enable_confirmations: false },
    },
    storage: { enabled: config.storage.enabled, file_size_limit: `${config.storage.fileSizeLimit}B` },
    options: { server: { admin: false, disableStudio: true, apiKeys: { resolver }, middlewares: [storageMiddleware()] } },
  } as ConstructorParameters<typeof App>[0]) as App<IAppConfig>;
  // `/storage/v1` (storage.ts), with the objects' files in the instance's folder.
  if (config.storage.enabled) enableStorage(app, path.join(i.dir, "storage"));

  /** The caller's claims and user id as lite takes them from the key and Authorization headers. */
  function caller(h: http.IncomingHttpHeaders): { claims: JwtClaims; sub: unknown } | null {
    const key = typeof h.apikey === "string" ? resolveKey(h.apikey) : null;
    if (!key || (key.type === "secret" && /mozilla/i.test(h["user-agent"] ?? ""))) return null;
    const bearer = h.authorization === undefined ? undefined : /^Bearer\s+(.+)$/.exec(h.authorization)?.[1];
    if (!bearer || bearer === h.apikey || bearer.startsWith("sb_")) {
      return { claims: key.claims, sub: typeof key.claims.sub === "string" ? key.claims.sub : undefined };
    }
    const claims = h.authorization === `Bearer ${bearer}` ? acceptedClaims(bearer, signed(bearer)) : null;
    return claims && { claims, sub: claims.sub };
  }

  const byName = new WeakMap<readonly FunctionInfo[], Map<string, FunctionInfo[]>>();
  async function publicFunctions(name: string): Promise<readonly FunctionInfo[]> {
    const { functions = [] } = await connection.introspect({ useCache: true });
    let index = byName.get(functions);
    if (!index) {
      index = new Map();
      for (const f of functions) if (f.schema === "public") index.set(f.name, [...(index.get(f.name) ?? []), f]);
      byName.set(functions, index);
    }
    return index.get(name) ?? [];
  }

  async function rpc(req: http.IncomingMessage, body: Buffer): Promise<RestAnswer | null> {
    const fn = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(req.url ?? "")?.[1];
    const h = req.headers;
    if (req.method !== "POST" || !fn || h.prefer !== undefined || h.range !== undefined || h["accept-profile"] !== undefined) return null;
    if ((h["content-profile"] ?? "public") !== "public" || !["*/*", "application/json"].includes(h.accept ?? "*/*")) return null;
    if (!/^application\/json(; ?charset=utf-8)?$/i.test(h["content-type"] ?? "")) return null;
    let args: unknown;
    try {
      args = JSON.parse(utf8.decode(body));
    } catch {
      return null;
    }
    const who = caller(h);
    const role = who?.claims.role || "anon";
    if (!who || typeof role !== "string" || !args || typeof args !== "object" || Array.isArray(args)) return null;
    const call = { fn, args: args as Record<string, unknown>, role, sub: String(who.sub ?? ""), claims: who.claims, headers: requestHeaders(h) };
    const statements = rpcStatements(call, await publicFunctions(fn), app.config.api?.max_rows);
    if (!statements) return null;
    let results: Array<Array<Record<string, unknown>>>;
    try {
      results = (await connection.driver.unsafe(statements)) as unknown as typeof results;
    } catch {
      return null; // lite answers with its own error; the call rolled back
    }
    const [, rows = [], [response] = []] = results;
    // A status or headers the function set: lite applies them (the call has no effects to repeat).
    if (response?.status || response?.headers) return null;
    const range = rows.length ? `0-${rows.length - 1}/*` : "*/*";
    return { status: 200, headers: { ...LITE_CORS, "content-range": range, "content-type": "application/json; charset=utf-8" }, body: Buffer.from(toJson(rows)) };
  }

  async function roleRefusal(h: http.IncomingHttpHeaders): Promise<RestAnswer | null> {
    const role = caller(h)?.claims.role;
    if (!role || API_ROLES.has(role)) return null; // no role claim: anon, as PostgREST
    const name = String(role);
    const [{ known }] = (await connection.driver.unsafe("select exists (select from pg_roles where rolname = $1) as known", [name])) as unknown as [{ known: boolean }];
    const [status, code, message] = known ? [403, "42501", `permission denied to set role "${name}"`] : [401, "22023", `role "${name}" does not exist`];
    const headers: Record<string, string> = { ...LITE_CORS, "content-type": "application/json; charset=utf-8", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}) };
    return { status, headers, body: Buffer.from(JSON.stringify({ code, details: null, hint: null, message })) };
  }

  let listener: postgres.Sql | null = null;
  async function listenForSchemaReloads(): Promise<void> {
    listener = postgres(dbUrl(i), { max: 1, ...RECONNECT_OPTIONS, onnotice: () => {} });
    await listener.listen("pgrst", (payload) => {
      if (payload === "" || payload === "reload schema") void connection.clearSchemaCache();
    });
  }

  const fetch = (request: Request, peerAddress: string | null, rest: boolean): Promise<Response> =>
    rollbackRequested.run(rest && wantsRollback(request.headers.get("prefer") ?? undefined), () => app.fetch(request, { peerAddress }));

  return {
    app,
    connection,
    isApiKey: (key) => resolveKey(key) !== null,
    fetch,
    fetchStorage: (request, peerAddress) => storageRequest.run(true, () => app.fetch(request, { peerAddress })),
    roleRefusal,
    rpc,
    listenForSchemaReloads,
    close: async () => {
      await listener?.end({ timeout: 1 });
      await connection.close();
    },
  };
}

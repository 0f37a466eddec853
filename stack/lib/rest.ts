import { App, type ConnectionContextOptions, type ResolvedKey } from "@supabase/lite";
import { createPostgresConnection, type PostgresConnection } from "@supabase/lite/postgres";
import { sql, type Kysely } from "kysely";
import type { ProjectConfig } from "./config.js";
import { dbUrl, type Instance, type Keys } from "./instance.js";
import { signedJwtCache, unexpired } from "./jwt.js";

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
 *
 * Speed, with the same behaviour (tests/integration/rest-context.test.ts):
 *
 * - Lite sets each request setting (role, JWT claims, request method, path and headers) with a
 *   statement of its own, ten per RPC call, and postgres.js spends two round trips on each
 *   parameterised statement it has not prepared. Its two context steps are replaced by one
 *   statement each, setting the same values in the same order.
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

export interface LiteApi {
  app: App<any>;
  connection: PostgresConnection;
  close(): Promise<void>;
}

/** Lite's connection to the database, with the gaps and speed-ups above that live in it. */
export function createLiteConnection(url: string): PostgresConnection {
  const connection = createPostgresConnection({
    url,
    postgresOptions: {
      max: 20,
      onnotice: () => {},
      // Gap 5: timestamps as PostgREST writes them.
      types: {
        timestamp: { to: 1114, from: [1114], serialize: (v: string) => v, parse: isoTimestamp },
        timestamptz: { to: 1184, from: [1184], serialize: (v: string) => v, parse: isoTimestamp },
      },
    },
  });
  // Gap 1: skip lite's blanket GRANT ALL (see above).
  (connection as unknown as { rlsState: string }).rlsState = "active";
  // Gap 6: PostgREST's statuses for the database errors lite does not map.
  connection.normalizeDbError = asPostgrestError;
  contextInOneStatement(connection);
  return connection;
}

export function createLiteApi(i: Instance, keys: Keys, config: ProjectConfig): LiteApi {
  const connection = createLiteConnection(dbUrl(i));
  const signed = signedJwtCache(keys.jwtSecret);
  const resolver = async (key: string): Promise<ResolvedKey | null> => {
    if (key === keys.publishableKey) return { type: "publishable", claims: { role: "anon" } };
    if (key === keys.secretKey) return { type: "secret", claims: { role: "service_role" } };
    // Gap 2: legacy JWT API keys.
    const claims = unexpired(signed(key));
    if (claims?.role === "anon") return { type: "publishable", claims };
    if (claims?.role === "service_role") return { type: "secret", claims };
    return null;
  };

  const app = new App({
    connection,
    api: { schemas: ["public", "graphql_public"] },
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
    options: { server: { admin: false, disableStudio: true, apiKeys: { resolver } } },
  } as ConstructorParameters<typeof App>[0]) as App<any>;

  return {
    app,
    connection,
    close: () => connection.close(),
  };
}

import { App, type ResolvedKey } from "@supabase/lite";
import { createPostgresConnection, type PostgresConnection } from "@supabase/lite/postgres";
import type { ProjectConfig } from "./config.js";
import { dbUrl, type Instance, type Keys } from "./instance.js";
import { verifyJwt } from "./jwt.js";

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
 *    the array. Text goes to Postgres as it is here, anything else is encoded once. One case
 *    still differs: an argument that is itself a JSON string is read as JSON text.
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
/** Gap 8: JSON text as it is, any other value encoded. */
const jsonOnce = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

export interface LiteApi {
  app: App<any>;
  connection: PostgresConnection;
  close(): Promise<void>;
}

export function createLiteApi(i: Instance, keys: Keys, config: ProjectConfig): LiteApi {
  const connection = createPostgresConnection({
    url: dbUrl(i),
    postgresOptions: {
      max: 20,
      onnotice: () => {},
      // Gap 5: timestamps as PostgREST writes them.
      types: {
        timestamp: { to: 1114, from: [1114], serialize: (v: string) => v, parse: isoTimestamp },
        timestamptz: { to: 1184, from: [1184], serialize: (v: string) => v, parse: isoTimestamp },
        // Gap 8: JSON encoded once.
        json: { to: 114, from: [114], serialize: jsonOnce, parse: (v: string) => JSON.parse(v) },
        jsonb: { to: 3802, from: [3802], serialize: jsonOnce, parse: (v: string) => JSON.parse(v) },
      },
    },
  });
  // Gap 1: skip lite's blanket GRANT ALL (see above).
  (connection as unknown as { rlsState: string }).rlsState = "active";
  // Gap 6: PostgREST's statuses for the database errors lite does not map.
  connection.normalizeDbError = asPostgrestError;

  const resolver = async (key: string): Promise<ResolvedKey | null> => {
    if (key === keys.publishableKey) return { type: "publishable", claims: { role: "anon" } };
    if (key === keys.secretKey) return { type: "secret", claims: { role: "service_role" } };
    // Gap 2: legacy JWT API keys.
    const claims = verifyJwt(key, keys.jwtSecret);
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

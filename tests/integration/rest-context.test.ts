// The request context rest.ts sets in one statement, and the one its RPC fast path sets, are the
// context lite's own steps set: the same role, claims and request settings inside the request's
// transaction, the same error for a role that does not exist.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { sql, type Kysely } from "kysely";
import type { ConnectionContextOptions, FunctionInfo, VarsContext } from "@supabase/lite";
import { createPostgresConnection, type PostgresConnection } from "@supabase/lite/postgres";
import { createLiteConnection, rpcStatements, type RpcCall } from "../../stack/lib/rest.js";
import { db, env } from "../support/env.js";

const ours = createLiteConnection(env.dbUrl);
const lites = createPostgresConnection({ url: env.dbUrl, postgresOptions: { max: 2, onnotice: () => {} } });
// Lite's own steps, but without its blanket grants (gap 1), which would change the database.
(lites as unknown as { rlsState: string }).rlsState = "active";
after(() => Promise.all([ours.close(), lites.close()]));

const SETTINGS = [
  "request.jwt.claim.sub",
  "request.jwt.claim.role",
  "request.jwt.claims",
  "storage.operation",
  "response.status",
  "response.headers",
  "request.method",
  "request.path",
  "request.headers",
  "transaction_read_only",
];

async function context(connection: PostgresConnection, vars: VarsContext, opts?: ConnectionContextOptions): Promise<unknown> {
  // A setting a connection has seen before reads '' afterwards, one it never saw reads null.
  const read = (db: Kysely<any>) =>
    sql`select current_user as role, ${sql.join(SETTINGS.map((s) => sql`coalesce(current_setting(${s}, true), '') as ${sql.raw(`"${s}"`)}`))}`.execute(db);
  try {
    return (await connection.withContext(vars, read, opts)).rows;
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    if (!code) throw e;
    return { code, message };
  }
}

const USER = "6f9619ff-8b86-4d11-b42d-00c04fc964ff";
const VARS: Record<string, VarsContext> = {
  "anon key": { auth: { uid: null, role: "anon", jwt: { role: "anon" } } },
  "signed-in user": { auth: { uid: USER, role: "authenticated", jwt: { sub: USER, role: "authenticated", email: "a'b\\c@example.com", exp: 2000000000 } } },
  "no claims": { auth: { uid: null, role: "service_role", jwt: null } },
  "no role": { auth: {}, storage: { operation: "object.get" } },
  "a role of its own": { auth: { uid: null, role: "supabase_auth_admin", jwt: { role: "supabase_auth_admin" } } },
  "a role that does not exist": { auth: { uid: null, role: "nobody_here", jwt: { role: "nobody_here" } } },
};
const OPTIONS: Record<string, ConnectionContextOptions | undefined> = {
  "a table request": undefined,
  "an RPC call": { rpc: { method: "POST", path: "/rpc/nearby_stores", readOnly: false, requestHeaders: { apikey: "k", "x-client-info": "supabase-js/2" } } },
  "a read-only RPC call": { rpc: { method: "GET", path: "/rpc/search_products", readOnly: true } },
};

for (const [who, vars] of Object.entries(VARS)) {
  for (const [what, opts] of Object.entries(OPTIONS)) {
    test(`${what} as ${who} sees the context lite's own steps set`, async () => {
      const expected = await context(lites, vars, opts);
      assert.deepEqual(await context(ours, vars, opts), expected);
      assert.equal(Array.isArray(expected), who !== "a role that does not exist");
    });
  }
}

test("the RPC fast path sets the context lite's own steps set", async () => {
  const direct = db();
  const columns = SETTINGS.map((s) => `coalesce(current_setting('${s}', true), '')`).join(", ");
  await direct.unsafe(`create function public.fast_path_probe() returns setof record language sql stable as $$ select current_user::text, ${columns} $$`);
  try {
    const probe: FunctionInfo = { schema: "public", name: "fast_path_probe", arg_names: [], arg_types: [], arg_defaults: 0, has_variadic: false, has_out_args: false, volatility: "s", return_type: "record", return_is_setof: true, return_typtype: "p" };
    const definition = `(role text, ${SETTINGS.map((s) => `"${s}" text`).join(", ")})`;
    const requestHeaders = { apikey: "k", "x-note": "it's a \\ here" };
    for (const vars of [VARS["anon key"]!, VARS["signed-in user"]!]) {
      const auth = vars.auth as { uid: string | null; role: string; jwt: Record<string, unknown> };
      const call: RpcCall = { fn: "fast_path_probe", args: {}, role: auth.role, sub: auth.uid ?? "", claims: auth.jwt, headers: requestHeaders };
      // A set of records needs its columns named where it is called, which lite does not do.
      const statements = rpcStatements(call, [probe], 1000)!.replace(/as "fast_path_probe"/, `as "fast_path_probe"${definition}`);
      const [, fast] = (await direct.unsafe(statements)) as unknown as Array<Array<Record<string, string>>>;
      const rpc = { method: "POST", path: "/rpc/fast_path_probe", readOnly: false, requestHeaders };
      const read = (db: Kysely<any>) => sql.raw(`select * from public.fast_path_probe() as "fast_path_probe"${definition} limit 1000`).execute(db);
      const viaLite = await lites.withContext(vars, read, { rpc });
      assert.deepEqual(fast!.map((row) => ({ ...row })), viaLite.rows);
    }
  } finally {
    await direct.unsafe("drop function public.fast_path_probe()");
    await direct.end();
  }
});

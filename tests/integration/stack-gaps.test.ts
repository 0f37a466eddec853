// Each way the local REST/Auth layer (@supabase/lite) differs from Supabase, shown by a test,
// with the workaround from stack/lib/rest.ts, stack/lib/gateway.ts or stack/sql/02-auth.sql.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { postgrestStatus } from "../../stack/lib/rest.js";
import { signJwt } from "../../stack/lib/jwt.js";
import { randomUUID } from "node:crypto";
import { client, db, env, signUp, uniqueEmail } from "../support/env.js";
import { openShop, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

test("gap 1: serving requests does not widen the migrations' grants", async () => {
  await signUp("customer");
  await fetch(`${env.apiUrl}/rest/v1/profiles`, { headers: { apikey: env.anonKey } });
  const [row] = await sql`
    select has_table_privilege('anon', 'public.profiles', 'select') as anon_select,
           has_table_privilege('authenticated', 'public.profiles', 'delete') as auth_delete,
           has_column_privilege('authenticated', 'public.profiles', 'role', 'update') as auth_update_role`;
  assert.deepEqual({ ...row }, { anon_select: false, auth_delete: false, auth_update_role: false });
});

test("gap 2: legacy JWT API keys resolve to their roles", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/profiles?select=id`, { headers: { apikey: env.serviceRoleKey } });
  assert.equal(res.status, 200, "service_role bypasses RLS and sees rows");
  const anon = await fetch(`${env.apiUrl}/rest/v1/profiles?select=id`, { headers: { apikey: env.anonKey } });
  assert.equal(anon.status, 401, "anon has no grant on profiles");
});

test("gap 3: user metadata is stored as a JSON object, as GoTrue stores it", async () => {
  const u = await signUp("rider", "meta");
  const [row] = await sql`select jsonb_typeof(raw_user_meta_data) as t, raw_user_meta_data ->> 'role' as role
                          from auth.users where id = ${u.userId}`;
  assert.deepEqual({ ...row }, { t: "object", role: "rider" });
  const { data } = await u.supabase.auth.getUser();
  assert.equal(data.user?.user_metadata.role, "rider");
});

test("gap 4: the Before User Created hook runs on sign-up", async () => {
  const res = await fetch(`${env.apiUrl}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: env.anonKey, "content-type": "application/json" },
    body: JSON.stringify({ email: "hook-check@example.com", password: "long-enough-password", data: { role: "admin" } }),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error_code, "role_not_allowed");
});

test("gap 4: the hook runs on every path lite serves as the sign-up, percent-encoded or not", async () => {
  // Lite decodes escapes and resolves dot segments; case, `//` and a trailing slash it keeps.
  const signUps = ["/auth/v1/%73ignup", "/auth/v1/sign%75p", "/auth/v1/%73%69%67%6E%75%70", "/auth/v1/./signup", "/auth/v1/x/../signup", "/auth/v1/%2e/signup"];
  const others = ["/auth/v1/SIGNUP", "/auth/v1//signup", "/auth/v1/signup/", "//auth/v1/signup", "/auth/v1/%2573ignup", "/auth/v1/signup%2F"];
  for (const path of [...signUps, ...others]) {
    const email = uniqueEmail("hook-path");
    // Raw HTTP: fetch would resolve the dot segments itself.
    const { status, body } = await rawPost(path, { email, password: "long-enough-password", data: { role: "admin" } });
    if (signUps.includes(path)) assert.deepEqual([status, body.error_code], [400, "role_not_allowed"], path);
    else assert.ok(status >= 400 && status < 500, `${path}: ${status}`);
    const [{ n }] = (await sql`select count(*)::int as n from auth.users where email = ${email}`) as unknown as [{ n: number }];
    assert.equal(n, 0, `${path} created no user`);
  }
  // What the hook allows still goes through an encoded path.
  const email = uniqueEmail("hook-path");
  const ok = await rawPost("/auth/v1/%73ignup", { email, password: "long-enough-password", data: { role: "customer" } });
  assert.equal(ok.status, 200);
});

/** A POST with the path sent exactly as written, with the anon key. */
function rawPost(path: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const api = new URL(env.apiUrl);
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: api.hostname, port: api.port, method: "POST", path, headers: { apikey: env.anonKey, "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

test("gap 5: timestamps come back in ISO 8601 form, as PostgREST's to_json writes them", async () => {
  const u = await signUp("customer", "timestamps");
  const { data } = await u.supabase.from("profiles").select("created_at").single();
  assert.match(data!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
  const [row] = await sql`select to_json(created_at) #>> '{}' as iso from public.profiles where id = ${u.userId}`;
  assert.equal(data!.created_at, row!.iso);
});

test("gap 6: a database error lite does not map gets PostgREST's status and the SQLSTATE", async () => {
  const { supabase, userId } = await signUp("customer", "phone");
  const { error, status } = await supabase.from("profiles").update({ phone: "not a phone" }).eq("id", userId);
  assert.equal(status, 400);
  assert.equal(error?.code, "23514");
  assert.match(error!.message, /violates check constraint "profiles_phone_check"/);
  // The rest of PostgREST's table for the classes lite leaves alone.
  assert.deepEqual(
    ["P0001", "P0002", "23514", "23P01", "08006", "28000", "0L000", "40001", "54000", "XX000", "57014"].map(postgrestStatus),
    [400, 500, 400, 400, 503, 403, 403, 500, 500, 500, 500],
  );
});

test("gap 7: the OpenAPI description at /rest/v1/ lists every table and function", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/`, { headers: { apikey: env.serviceRoleKey } });
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { paths: Record<string, unknown>; definitions: Record<string, unknown> };
  const tables = await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname = 'public' and c.relkind in ('r', 'v')`;
  for (const { relname } of tables) {
    assert.ok(doc.paths[`/${relname}`], `path /${relname}`);
    assert.ok(doc.definitions[relname], `definition ${relname}`);
  }
  assert.ok(doc.paths["/rpc/my_profile"]);
  assert.equal(doc.paths["/rpc/hook_before_user_created"], undefined, "functions the caller cannot execute are left out");
  const anon = await fetch(`${env.apiUrl}/rest/v1/`, { headers: { apikey: env.anonKey } });
  assert.ok(anon.status >= 401 && anon.status <= 403, `the anon key gets ${anon.status}`);
});

test("gap 8: an array given for a jsonb RPC argument reaches the function as an array", async () => {
  // Valid items pass the item checks, so the refusal is about the store, not the list.
  const { error, status } = await client().rpc("quote_order", {
    store_id: randomUUID(),
    items: [{ product_id: randomUUID(), quantity: 2 }],
    lat: 18.52,
    lng: 73.85,
  });
  assert.equal(status, 404);
  assert.equal(error?.code, "store_not_found");
});

/** Waits until REST serves `path` (the stack reloads its schema cache on NOTIFY pgrst). */
async function servedAfterReload(path: string, key = env.anonKey): Promise<void> {
  await sql`notify pgrst, 'reload schema'`;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${env.apiUrl}/rest/v1/${path}`, { headers: { apikey: key } });
    if (res.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} was not served after NOTIFY pgrst`);
}

test("gap 9: values of every type come back as PostgREST's to_json writes them, from table reads and RPCs", async () => {
  // Whole, fractional, large, negative and null numerics; NaN and infinities; big integers,
  // floats, bytes, money, intervals, times, arrays and the rest, as one row each.
  await sql.unsafe(`
    create table public.gap_types (
      id int primary key, n numeric, n21 numeric(2, 1), b bigint, f float8, r real, by bytea, m money, iv interval,
      d date, t time, tz timetz, ts timestamp, tstz timestamptz, u uuid, ok boolean, ns numeric[], fs float8[], j jsonb, tx text);
    alter table public.gap_types enable row level security;
    create policy "anyone reads the type probe" on public.gap_types for select to anon using (true);
    grant select on public.gap_types to anon;
    insert into public.gap_types values
      (1, 4.0, 4.0, 9007199254740993, 102.84204509, 0.1, '\\x6869', 12.5, '1 day 02:00:00', '2026-01-02', '10:00', '10:00+05:30',
       '2026-01-02 03:04:05.5', '2026-01-02 03:04:05+00', gen_random_uuid(), true, '{1.0,2.50,NaN}', '{1.5,Infinity,NaN}', '{"a": 1.50}', 'x'),
      (2, 4.6, 4.6, -12, 'NaN', 'Infinity', '\\x', 0, '-3 hours', '0001-01-01 BC', '24:00', '00:00-01', 'infinity', '-infinity', null, false, '{}', null, '"s"', ''),
      (3, 123456789012345678901234567890.123, null, null, '-Infinity', 1e-7, null, null, null, null, null, null, null, null, null, null, null, null, 'null', null),
      (4, 'NaN', 1.0, 0, 0, -0.0, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
      (5, -0.000001, 5.0, 1, 1e300, 3.4e38, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
      (6, 'Infinity', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
      (7, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    create function public.gap_types() returns setof public.gap_types language sql stable as 'select * from public.gap_types order by id';
    grant execute on function public.gap_types() to anon;`);
  try {
    await servedAfterReload("gap_types?select=id");
    const [{ expected }] = (await sql`select json_agg(g order by id)::text as expected from public.gap_types g`) as unknown as [{ expected: string }];
    const want = JSON.parse(expected) as Array<Record<string, unknown>>;
    const check = async (what: string, path: string, init?: RequestInit) => {
      const res = await fetch(`${env.apiUrl}/rest/v1/${path}`, { ...init, headers: { apikey: env.anonKey, "content-type": "application/json" } });
      assert.equal(res.status, 200, path);
      const got = (await res.json()) as Array<Record<string, unknown>>;
      assert.equal(got.length, want.length);
      want.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) assert.deepEqual(got[i]![column], value, `${what}: row ${row.id}, column ${column}`);
      });
    };
    await check("a table read", "gap_types?order=id");
    // No query string: the stack's own RPC path; with one, lite's.
    await check("an RPC on the stack's short path", "rpc/gap_types", { method: "POST", body: "{}" });
    await check("an RPC through lite", "rpc/gap_types?order=id", { method: "POST", body: "{}" });
    const { data } = await client().from("gap_types" as never).select("id, n21").order("id" as never);
    assert.deepEqual(data, [{ id: 1, n21: 4 }, { id: 2, n21: 4.6 }, { id: 3, n21: null }, { id: 4, n21: 1 }, { id: 5, n21: 5 }, { id: 6, n21: null }, { id: 7, n21: null }]);
  } finally {
    await sql.unsafe("drop function public.gap_types(); drop table public.gap_types;");
    await sql`notify pgrst, 'reload schema'`;
  }
});

test("gap 9: nearby_stores' ratings are numbers for whole and fractional ratings, null for none", async () => {
  const { userId } = await signUp("merchant", "ratings");
  const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));
  // A corner of the map of its own, so no other suite's shops crowd the list.
  const [lat, lng] = [18.4012, 73.6012];
  await sql`
    insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m, rating)
    select ${userId}, 'Rated ' || coalesce(r::text, 'never'), '1 Test Road, Pune', extensions.st_point(${lng} + i * 0.0001, ${lat})::extensions.geography,
           'approved', ${allDay as never}, 3000, r
    from unnest(array[4.0, 4.6, null]::numeric[]) with ordinality as x (r, i)`;
  for (const path of ["rpc/nearby_stores", "rpc/nearby_stores?select=name,rating"]) {
    const res = await fetch(`${env.apiUrl}/rest/v1/${path}`, {
      method: "POST",
      headers: { apikey: env.anonKey, "content-type": "application/json" },
      body: JSON.stringify({ lat, lng }),
    });
    const rows = (await res.json()) as Array<{ name: string; rating: unknown }>;
    assert.deepEqual(rows.map((r) => r.rating), [4, 4.6, null], path);
  }
});

test("gap 10: a signed token naming a role other than anon, authenticated or service_role is refused as PostgREST refuses it", async () => {
  const customer = await signUp("customer", "role-claim");
  const now = Math.floor(Date.now() / 1000);
  const secret = process.env.JWT_SECRET!;
  for (const role of ["postgres", "supabase_admin", "made_up_role"]) {
    const token = signJwt({ sub: customer.userId, role, aud: "authenticated", iat: now, exp: now + 600 }, secret);
    const [{ known }] = (await sql`select exists (select from pg_roles where rolname = ${role}) as known`) as unknown as [{ known: boolean }];
    // authenticator may not become an existing role (42501, 403); an unknown one is 22023 (401).
    const want = known
      ? { status: 403, body: { code: "42501", details: null, hint: null, message: `permission denied to set role "${role}"` } }
      : { status: 401, body: { code: "22023", details: null, hint: null, message: `role "${role}" does not exist` } };
    const headers = { apikey: env.anonKey, authorization: `Bearer ${token}`, "content-type": "application/json" };
    for (const [path, init] of [["profiles?select=id", {}], ["rpc/my_profile", { method: "POST", body: "{}" }], ["rpc/my_profile?select=id", { method: "POST", body: "{}" }]] as const) {
      const res = await fetch(`${env.apiUrl}/rest/v1/${path}`, { ...init, headers });
      assert.deepEqual({ status: res.status, body: await res.json() }, want, `${role}: ${path}`);
    }
    // Edge Functions take the caller only from an authenticated token.
    const res = await fetch(`${env.apiUrl}/functions/v1/checkout`, { method: "POST", headers: { ...headers, "idempotency-key": randomUUID() }, body: "{}" });
    assert.equal(res.status, 401, `${role}: checkout`);
    assert.equal((await res.json()).code, "sign_in_required");
  }
});

test("auth.uid() reads the claims object the way Supabase's does", async () => {
  const [row] = await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-000000000001","role":"authenticated"}', true)`;
    return tx`select auth.uid()::text as uid, auth.role() as role`;
  });
  assert.deepEqual({ ...row }, { uid: "00000000-0000-0000-0000-000000000001", role: "authenticated" });
});

test("gap 10: Database Webhooks (supabase_functions.http_request) are sent after commit without pg_net", async () => {
  // A receiver standing where an Edge Function or any webhook URL would be.
  const received: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(202, { "Content-Type": "text/plain" }).end("queued");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const table = `webhook_gap_${randomUUID().slice(0, 8)}`;
  try {
    await sql.unsafe(`create table public.${table} (id int primary key, note text)`);
    await sql.unsafe(`create trigger ${table}_hook after insert or update on public.${table} for each row
      execute function supabase_functions.http_request('${url}', 'POST', '{"Content-Type":"application/json","X-Check":"yes"}', '{}', '1000')`);
    // Rolled back: nothing is sent.
    await sql.begin(async (tx) => {
      await tx.unsafe(`insert into public.${table} values (0, 'never')`);
      await tx`select pg_sleep(0.2)`;
      throw new Error("rollback");
    }).catch(() => {});
    await sql.begin(async (tx) => {
      await tx.unsafe(`insert into public.${table} values (1, 'first')`);
      await tx`select pg_sleep(0.3)`;
      assert.equal(received.length, 0, "nothing leaves before COMMIT");
    });
    await sql.unsafe(`update public.${table} set note = 'second' where id = 1`);
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));

    assert.equal(received.length, 2);
    assert.deepEqual(received.map((r) => [r.method, r.url, r.headers["x-check"]]), [["POST", "/hook", "yes"], ["POST", "/hook", "yes"]]);
    assert.deepEqual(JSON.parse(received[0]!.body), { type: "INSERT", table, schema: "public", record: { id: 1, note: "first" }, old_record: null });
    assert.deepEqual(JSON.parse(received[1]!.body), { type: "UPDATE", table, schema: "public", record: { id: 1, note: "second" }, old_record: { id: 1, note: "first" } });
    // pg_net's audit trail and answers, as on Supabase.
    const answered = () => sql`
      select r.status_code, r.content from supabase_functions.hooks h join net._http_response r on r.id = h.request_id
      where h.hook_name = ${`${table}_hook`} order by h.id`;
    let answers = await answered();
    for (let i = 0; i < 50 && answers.length < 2; i++) answers = await new Promise((r) => setTimeout(r, 100)).then(answered);
    assert.deepEqual(answers.map((a) => [a.status_code, a.content]), [[202, "queued"], [202, "queued"]]);
  } finally {
    await sql.unsafe(`drop table if exists public.${table}`);
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});

test("gap 10: a webhook's params reach the URL percent-encoded, as pg_net sends them", async () => {
  const received: Array<{ method: string; url: string }> = [];
  const receiver = http.createServer((req, res) => {
    req.resume().on("end", () => {
      received.push({ method: req.method!, url: req.url! });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const params = { "store id": "a&b=c", q: "आलू 100%", plain: "A-z_0.9~" };
  try {
    await sql`select net.http_get(${`${base}/get`}, ${sql.json(params)})`;
    await sql`select net.http_post(${`${base}/post?x=1`}, '{}'::jsonb, ${sql.json({ q: "a b+c" })})`;
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    // jsonb keeps keys shortest first, so that is the order they are sent in, as with pg_net.
    received.sort((a, b) => a.method.localeCompare(b.method));
    assert.deepEqual(received.map((r) => r.method), ["GET", "POST"]);
    assert.equal(received[0]!.url, "/get?q=%E0%A4%86%E0%A4%B2%E0%A5%82%20100%25&plain=A-z_0.9~&store%20id=a%26b%3Dc");
    assert.deepEqual(Object.fromEntries(new URL(received[0]!.url, base).searchParams), params);
    assert.equal(received[1]!.url, "/post?x=1&q=a%20b%2Bc");
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});

/** A request to REST with the service role key. */
function serviceRest(path: string, init: RequestInit & { prefer?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { apikey: env.serviceRoleKey, "content-type": "application/json" };
  if (init.prefer) headers.prefer = init.prefer;
  return fetch(`${env.apiUrl}/rest/v1/${path}`, { ...init, headers });
}

test("gap 11: a `*` embed reads the exposed schema's table, not a same-named one elsewhere", async () => {
  // public.messages shares its name with realtime.messages, which has a `topic` column.
  const res = await serviceRest("conversations?select=*,messages(*)&limit=1");
  assert.equal(res.status, 200, await res.clone().text());
  // A table of the same name in an unexposed schema, with columns the public one lacks.
  await sql.unsafe(`
    create table public.gap_rooms (id int primary key);
    create table public.gap_notes (id int primary key, room_id int references public.gap_rooms, body text);
    create table private.gap_notes (id int primary key, hidden text);
    grant select on public.gap_rooms, public.gap_notes to service_role;
    insert into public.gap_rooms values (1);
    insert into public.gap_notes values (1, 1, 'hello');`);
  try {
    await servedAfterReload("gap_rooms?select=id", env.serviceRoleKey);
    const embedded = await serviceRest("gap_rooms?select=*,gap_notes(*)");
    assert.equal(embedded.status, 200, await embedded.clone().text());
    assert.deepEqual(await embedded.json(), [{ id: 1, gap_notes: [{ id: 1, room_id: 1, body: "hello" }] }]);
    // An embedding error names the schema searched, as PostgREST's does.
    const missing = await serviceRest("gap_rooms?select=*,nothing_here(*)");
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), {
      code: "PGRST200",
      details: "Searched for a foreign key relationship between 'gap_rooms' and 'nothing_here' in the schema 'public', but no matches were found.",
      hint: null,
      message: "Could not find a relationship between 'gap_rooms' and 'nothing_here' in the schema cache",
    });
  } finally {
    await sql.unsafe("drop table public.gap_notes, private.gap_notes, public.gap_rooms");
    await sql`notify pgrst, 'reload schema'`;
  }
});

test("gap 12: a JSON string written to a json/jsonb column or argument stays a string", async () => {
  await sql.unsafe(`
    create table public.gap_json (id int primary key, jb jsonb, j json);
    grant select, insert, update on public.gap_json to service_role;
    create function public.gap_json_kind(value jsonb) returns text language sql as 'select jsonb_typeof(value) || '' '' || value::text';
    grant execute on function public.gap_json_kind(jsonb) to service_role;`);
  try {
    await servedAfterReload("gap_json?select=id", env.serviceRoleKey);
    const values: unknown[] = ['{"a":1}', "", "plain", { a: 1 }, [1, "x"], 5, true, null];
    const insert = await serviceRest("gap_json", { method: "POST", body: JSON.stringify(values.map((v, id) => ({ id, jb: v, j: v }))), prefer: "return=representation" });
    assert.equal(insert.status, 201, await insert.clone().text());
    const stored = await sql`select id, jb, j, jsonb_typeof(jb) as t from public.gap_json order by id`;
    assert.deepEqual(stored.map((r) => r.t), ["string", "string", "string", "object", "array", "number", "boolean", null]);
    const read = (await (await serviceRest("gap_json?order=id")).json()) as Array<{ jb: unknown; j: unknown }>;
    assert.deepEqual(read.map((r) => r.jb), values);
    assert.deepEqual(read.map((r) => r.j), values);
    const patch = await serviceRest("gap_json?id=eq.3", { method: "PATCH", body: JSON.stringify({ jb: "[1]" }), prefer: "return=representation" });
    assert.deepEqual(await patch.json(), [{ id: 3, jb: "[1]", j: { a: 1 } }]);
    // An RPC argument: a string is a JSON string; an object or array stays one (gap 8).
    const kinds: string[] = [];
    for (const value of ['{"a":1}', "", { a: [1] }, [1, 2], 5]) {
      const res = await serviceRest("rpc/gap_json_kind", { method: "POST", body: JSON.stringify({ value }) });
      kinds.push((await res.json()) as string);
    }
    assert.deepEqual(kinds, ['string "{\\"a\\":1}"', 'string ""', 'object {"a": [1]}', "array [1, 2]", "number 5"]);
  } finally {
    await sql.unsafe("drop function public.gap_json_kind(jsonb); drop table public.gap_json;");
    await sql`notify pgrst, 'reload schema'`;
  }
});

test("gap 13: Prefer: tx=rollback answers as committed would and changes nothing", async () => {
  await sql.unsafe(`
    create table public.gap_dry_run (id int primary key, note text);
    grant select, insert, update, delete on public.gap_dry_run to service_role;
    insert into public.gap_dry_run values (1, 'kept');
    create function public.gap_dry_run_add(n int) returns int language sql as 'insert into public.gap_dry_run values (n, ''rpc'') returning id';
    grant execute on function public.gap_dry_run_add(int) to service_role;`);
  try {
    await servedAfterReload("gap_dry_run?select=id", env.serviceRoleKey);
    const rows = async () => (await sql`select id, note from public.gap_dry_run order by id`).map((r) => ({ ...r }));
    const insert = await serviceRest("gap_dry_run", { method: "POST", body: JSON.stringify({ id: 2, note: "dry" }), prefer: "return=representation, tx=rollback" });
    assert.equal(insert.status, 201);
    assert.match(insert.headers.get("preference-applied") ?? "", /tx=rollback/);
    assert.deepEqual(await insert.json(), [{ id: 2, note: "dry" }]);
    const update = await serviceRest("gap_dry_run?id=eq.1", { method: "PATCH", body: JSON.stringify({ note: "changed" }), prefer: "tx=rollback" });
    assert.equal(update.status, 204);
    const remove = await serviceRest("gap_dry_run?id=eq.1", { method: "DELETE", prefer: "tx=rollback" });
    assert.equal(remove.status, 204);
    const call = await serviceRest("rpc/gap_dry_run_add", { method: "POST", body: JSON.stringify({ n: 3 }), prefer: "tx=rollback" });
    assert.deepEqual([call.status, await call.json()], [200, 3]);
    // supabase-js' .rollback() sends the same preference.
    const { data, error } = await client(env.serviceRoleKey).from("gap_dry_run" as never).insert({ id: 4, note: "js" } as never).select().rollback();
    assert.equal(error, null);
    assert.deepEqual(data, [{ id: 4, note: "js" }]);
    assert.deepEqual(await rows(), [{ id: 1, note: "kept" }]);
    // Without it, or with tx=commit, the write stays.
    const commit = await serviceRest("gap_dry_run", { method: "POST", body: JSON.stringify({ id: 5, note: "real" }), prefer: "tx=commit" });
    assert.equal(commit.status, 201);
    assert.deepEqual(await rows(), [{ id: 1, note: "kept" }, { id: 5, note: "real" }]);
  } finally {
    await sql.unsafe("drop function public.gap_dry_run_add(int); drop table public.gap_dry_run;");
    await sql`notify pgrst, 'reload schema'`;
  }
});

test("gap 14: the Auth admin API serves the service role and refuses other keys as GoTrue does", async () => {
  // Anyone else: GoTrue's 403 not_admin, or 401 without a token.
  const customer = await signUp("customer", "not-admin");
  for (const other of [client(), client(env.publishableKey), customer.supabase]) {
    const { error } = await other.auth.admin.listUsers();
    assert.deepEqual([error?.status, error?.code], [403, "not_admin"]);
  }
  const bare = await fetch(`${env.apiUrl}/auth/v1/admin/users`, { headers: { apikey: env.anonKey } });
  assert.deepEqual([bare.status, (await bare.json()).error_code], [401, "no_authorization"]);

  for (const key of [env.serviceRoleKey, env.secretKey]) {
    const admin = client(key).auth.admin;
    const email = uniqueEmail("admin-made");
    const created = await admin.createUser({ email, password: "long-enough-password", email_confirm: true, user_metadata: { role: "customer", full_name: "Made By Admin" } });
    assert.equal(created.error, null);
    const id = created.data.user!.id;
    assert.equal(created.data.user!.email, email);
    assert.ok(created.data.user!.email_confirmed_at);
    // A user like one who signed up: a profile from the metadata, and a password that signs in.
    const [profile] = await sql`select role, full_name from public.profiles where id = ${id}`;
    assert.deepEqual({ ...profile }, { role: "customer", full_name: "Made By Admin" });
    assert.equal((await client().auth.signInWithPassword({ email, password: "long-enough-password" })).error, null);
    const again = await admin.createUser({ email, password: "long-enough-password" });
    assert.deepEqual([again.error?.status, again.error?.code], [422, "email_exists"]);

    const got = await admin.getUserById(id);
    assert.equal(got.data.user?.id, id);
    const listed = await admin.listUsers({ page: 1, perPage: 1 });
    assert.equal(listed.data.users.length, 1);
    assert.ok((listed.data as { total?: number }).total! >= 2);

    const updated = await admin.updateUserById(id, { password: "another-long-password", user_metadata: { full_name: "Renamed" }, app_metadata: { plan: "test" } });
    assert.equal(updated.error, null);
    assert.deepEqual(updated.data.user!.user_metadata, { role: "customer", full_name: "Renamed" });
    assert.equal(updated.data.user!.app_metadata.plan, "test");
    assert.equal((await client().auth.signInWithPassword({ email, password: "another-long-password" })).error, null);

    // A magic link's token signs the person in through /verify.
    const link = await admin.generateLink({ type: "magiclink", email });
    assert.equal(link.error, null);
    assert.match(link.data.properties!.action_link, /\/auth\/v1\/verify\?token=/);
    const verified = await client().auth.verifyOtp({ token_hash: link.data.properties!.hashed_token, type: "magiclink" });
    assert.equal(verified.error, null);
    assert.equal(verified.data.user?.id, id);
    const unknown = await admin.generateLink({ type: "recovery", email: uniqueEmail("nobody") });
    assert.deepEqual([unknown.error?.status, unknown.error?.code], [404, "user_not_found"]);

    assert.equal((await admin.deleteUser(id)).error, null);
    const gone = await admin.getUserById(id);
    assert.deepEqual([gone.error?.status, gone.error?.code], [404, "user_not_found"]);
  }
});

test("gap 15: smaller PostgREST behaviours an integrator meets: HEAD counts, ambiguous embeds, overloads", async () => {
  // HEAD with Prefer: count=exact gives the count in Content-Range and no body.
  const [{ n }] = (await sql`select count(*)::int as n from public.profiles`) as unknown as [{ n: number }];
  const head = await serviceRest("profiles?select=id", { method: "HEAD", prefer: "count=exact" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-range"), n ? `0-${n - 1}/${n}` : `*/0`);
  assert.equal(await head.text(), "");
  // Two foreign keys to the same table: PGRST201 with the hints to choose one.
  const ambiguous = await serviceRest("orders?select=id,profiles(id)");
  assert.equal(ambiguous.status, 300);
  const body = (await ambiguous.json()) as { code: string; message: string; hint: string };
  assert.equal(body.code, "PGRST201");
  assert.equal(body.message, "Could not embed because more than one relationship was found for 'orders' and 'profiles'");
  assert.match(body.hint, /'profiles!orders_customer_id_fkey', 'profiles!orders_rider_id_fkey'/);
  const chosen = await serviceRest("orders?select=id,profiles!orders_customer_id_fkey(id)&limit=1");
  assert.equal(chosen.status, 200);
  // Overloads told apart by their argument names are called; same names, other types: PGRST203.
  await sql.unsafe(`
    create function public.gap_overload(a int) returns text language sql as 'select ''one int''';
    create function public.gap_overload(a text) returns text language sql as 'select ''one text''';
    create function public.gap_overload(a int, b int) returns text language sql as 'select ''two''';
    grant execute on function public.gap_overload(int), public.gap_overload(text), public.gap_overload(int, int) to service_role;`);
  try {
    await servedAfterReload("rpc/gap_overload?a=1&b=2", env.serviceRoleKey);
    const two = await serviceRest("rpc/gap_overload", { method: "POST", body: JSON.stringify({ a: 1, b: 2 }) });
    assert.deepEqual([two.status, await two.json()], [200, "two"]);
    const one = await serviceRest("rpc/gap_overload", { method: "POST", body: JSON.stringify({ a: 1 }) });
    assert.equal(one.status, 300);
    assert.equal(((await one.json()) as { code: string }).code, "PGRST203");
  } finally {
    await sql.unsafe("drop function public.gap_overload(int), public.gap_overload(text), public.gap_overload(int, int)");
    await sql`notify pgrst, 'reload schema'`;
  }
});

test("gap 16 (not fixed, see the README): max-affected is not applied to RPCs, and a row-typed argument is refused", async () => {
  await sql.unsafe(`
    create table public.gap_affected (id int primary key, note text);
    grant select on public.gap_affected to service_role;
    insert into public.gap_affected values (1, 'a'), (2, 'a');
    create function public.gap_affected_touch() returns setof public.gap_affected language sql as 'update public.gap_affected set note = ''b'' returning *';
    create function public.gap_affected_note(r public.gap_affected) returns text language sql as 'select r.note';
    grant execute on function public.gap_affected_touch(), public.gap_affected_note(public.gap_affected) to service_role;`);
  try {
    await servedAfterReload("gap_affected?select=id", env.serviceRoleKey);
    // PostgREST answers 400 PGRST124 and rolls back; lite commits both rows.
    const touched = await serviceRest("rpc/gap_affected_touch", { method: "POST", body: "{}", prefer: "handling=strict, max-affected=1" });
    assert.equal(touched.status, 200);
    const notes = await sql`select note from public.gap_affected order by id`;
    assert.deepEqual(notes.map((r) => r.note), ["b", "b"]);
    // PostgREST reads a JSON object for a row-typed argument as that row; lite passes it as text.
    const row = await serviceRest("rpc/gap_affected_note", { method: "POST", body: JSON.stringify({ r: { id: 9, note: "x" } }) });
    assert.equal(row.status, 400);
    assert.equal(((await row.json()) as { code: string }).code, "22P02");
  } finally {
    await sql.unsafe("drop function public.gap_affected_touch(), public.gap_affected_note(public.gap_affected); drop table public.gap_affected;");
    await sql`notify pgrst, 'reload schema'`;
  }
});

// Storage (stack/lib/storage.ts): each way lite's Storage API differs from Supabase Storage.
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5c6d80000000049454e44ae426082", "hex");
let photos: Promise<{ shop: Shop; folder: string }> | undefined;
/** A merchant's shop with a product whose image folder the storage gaps write in. */
const photoFolder = () =>
  (photos ??= openShop(sql, "storage-gaps", [{ sku: "GAP", price_paise: 100, stock: 1 }]).then((shop) => ({ shop, folder: `${shop.storeId}/${shop.product.GAP}` })));
const bytesOf = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, init);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
};
const service = () => client(env.serviceRoleKey);

test("storage gap 1: supabase-js signed download and upload URLs work (Storage's signedURL and url fields)", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/signed.png`, PNG, { contentType: "image/png" })).error, null);
  const res = await fetch(`${env.apiUrl}/storage/v1/object/sign/product-images/${folder}/signed.png`, {
    method: "POST",
    headers: { apikey: env.anonKey, authorization: `Bearer ${shop.merchant.token}`, "content-type": "application/json" },
    body: JSON.stringify({ expiresIn: 60 }),
  });
  const body = (await res.json()) as { signedURL: string };
  assert.match(body.signedURL, new RegExp(`^/object/sign/product-images/${folder}/signed.png\\?token=`));
  const signed = await images.createSignedUrl(`${folder}/signed.png`, 60);
  assert.deepEqual(await bytesOf(signed.data!.signedUrl), { status: 200, bytes: PNG });
  const upload = await images.createSignedUploadUrl(`${folder}/by-token.png`);
  assert.equal(upload.error, null, upload.error?.message);
  const sent = await client().storage.from("product-images").uploadToSignedUrl(upload.data!.path, upload.data!.token, PNG, { contentType: "image/png" });
  assert.equal(sent.error, null, sent.error?.message);
  assert.deepEqual(await bytesOf(images.getPublicUrl(`${folder}/by-token.png`).data.publicUrl), { status: 200, bytes: PNG });
});

test("storage gap 2: a bucket's size limit may be given as text (\"1MB\")", async () => {
  const id = `gap-size-${randomUUID().slice(0, 8)}`;
  const created = await service().storage.createBucket(id, { public: false, fileSizeLimit: "1MB" });
  assert.equal(created.error, null, created.error?.message);
  try {
    assert.equal(Number((await sql`select file_size_limit from storage.buckets where id = ${id}`)[0]!.file_size_limit), 1_000_000);
    assert.equal((await service().storage.updateBucket(id, { public: false, fileSizeLimit: "2KB" })).error, null);
    assert.equal(Number((await sql`select file_size_limit from storage.buckets where id = ${id}`)[0]!.file_size_limit), 2_000);
    const wrong = await service().storage.updateBucket(id, { public: false, fileSizeLimit: "2 potatoes" });
    assert.equal((wrong.error as { status?: number } | null)?.status, 400);
  } finally {
    await service().storage.deleteBucket(id);
  }
});

test("storage gap 3: allowed types match the media type, with type/* wildcards", async () => {
  const id = `gap-types-${randomUUID().slice(0, 8)}`;
  assert.equal((await service().storage.createBucket(id, { public: false, allowedMimeTypes: ["image/*"] })).error, null);
  try {
    const bucket = service().storage.from(id);
    assert.equal((await bucket.upload("a.png", PNG, { contentType: "image/png" })).error, null, "image/* allows image/png");
    const text = await bucket.upload("a.txt", PNG, { contentType: "text/plain" });
    assert.equal((text.error as { statusCode?: string } | null)?.statusCode, "415");
  } finally {
    await service().storage.emptyBucket(id);
    await service().storage.deleteBucket(id);
  }
  const { shop, folder } = await photoFolder();
  const withParameter = await shop.merchant.supabase.storage.from("product-images").upload(`${folder}/param.png`, PNG, { contentType: "image/png; charset=binary" });
  assert.equal(withParameter.error, null, "a parameter does not change the media type");
});

test("storage gap 4: the size limit holds for an upload without Content-Length (chunked)", async () => {
  const { shop, folder } = await photoFolder();
  const api = new URL(env.apiUrl);
  const answer = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = http.request(
      {
        host: api.hostname, port: api.port, method: "POST", path: `/storage/v1/object/product-images/${folder}/chunked.png`,
        headers: { apikey: env.anonKey, authorization: `Bearer ${shop.merchant.token}`, "content-type": "image/png", "transfer-encoding": "chunked" },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    for (let i = 0; i < 17; i++) req.write(Buffer.alloc(64 * 1024, 1)); // 1 MiB and 64 KiB
    req.end();
  });
  assert.deepEqual([answer.status, answer.body.statusCode, answer.body.code], [400, "413", "EntityTooLarge"]);
  assert.equal((await sql`select 1 from storage.objects where name = ${`${folder}/chunked.png`}`).length, 0);
});

test("storage gap 5: a tampered or expired signed URL is a 400 InvalidJWT, not a 500", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/token.png`, PNG, { contentType: "image/png", upsert: true })).error, null);
  const url = (await images.createSignedUrl(`${folder}/token.png`, 60)).data!.signedUrl;
  const tampered = url.replace(/token=([^.]+)\.([^.]+)\./, (_, h, b) => `token=${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(b, "base64url").toString()), exp: 9_999_999_999 })).toString("base64url")}.`);
  const now = Math.floor(Date.now() / 1000);
  const expiredToken = signJwt({ sub: `${folder}/token.png`, bucket: "product-images", intent: "download", iat: now - 120, exp: now - 60 }, process.env.JWT_SECRET!);
  for (const bad of [tampered, url.replace(/token=.*/, `token=${expiredToken}`)]) {
    const res = await fetch(bad);
    assert.deepEqual([res.status, ((await res.json()) as { code: string }).code], [400, "InvalidJWT"]);
  }
});

test("storage gap 6: Storage requests need an apikey, except public and signed object URLs", async () => {
  const { shop, folder } = await photoFolder();
  const list = (headers: Record<string, string>) =>
    fetch(`${env.apiUrl}/storage/v1/object/list/product-images`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${shop.merchant.token}`, ...headers }, body: JSON.stringify({ prefix: folder }) });
  assert.equal((await list({})).status, 401, "no apikey");
  assert.equal((await list({ apikey: "sb_publishable_not-this-one" })).status, 401, "a wrong apikey");
  assert.equal((await list({ apikey: env.anonKey })).status, 200);
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/keyless.png`, PNG, { contentType: "image/png" })).error, null);
  assert.equal((await fetch(images.getPublicUrl(`${folder}/keyless.png`).data.publicUrl)).status, 200, "a public URL needs no key");
  assert.equal((await fetch((await images.createSignedUrl(`${folder}/keyless.png`, 60)).data!.signedUrl)).status, 200, "nor a signed URL");
});

test("storage gap 7: errors carry Storage's codes, so exists() answers false for a missing file", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/there.png`, PNG, { contentType: "image/png" })).error, null);
  assert.deepEqual((await images.exists(`${folder}/there.png`)).data, true);
  assert.deepEqual((await images.exists(`${folder}/not-there.png`)).data, false);
  const missing = await images.download(`${folder}/not-there.png`);
  assert.equal((missing.error as { status?: number } | null)?.status, 400);
  const gif = await images.upload(`${folder}/x.gif`, PNG, { contentType: "image/gif" });
  assert.equal((gif.error as { code?: string } | null)?.code, "InvalidMimeType");
});

test("storage gap 8: a Blob or File (sent as multipart) is stored with its bytes and type, through a signed upload URL too", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/file.png`, new File([PNG], "file.png", { type: "image/png" }))).error, null);
  const upload = await images.createSignedUploadUrl(`${folder}/blob.png`);
  assert.equal((await images.uploadToSignedUrl(upload.data!.path, upload.data!.token, new Blob([PNG], { type: "image/png" }))).error, null);
  for (const name of ["file.png", "blob.png"]) {
    const res = await fetch(images.getPublicUrl(`${folder}/${name}`).data.publicUrl);
    assert.deepEqual([res.headers.get("content-type"), Buffer.from(await res.arrayBuffer())], ["image/png", PNG], name);
  }
  const gif = await images.upload(`${folder}/file.gif`, new Blob([PNG], { type: "image/gif" }));
  assert.equal((gif.error as { statusCode?: string } | null)?.statusCode, "415", "a file's own type is checked");
});

test("storage gap 9: createSignedUrls signs each path, and gives null with an error for one the caller may not read", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/many.png`, PNG, { contentType: "image/png" })).error, null);
  const signed = await images.createSignedUrls([`${folder}/many.png`, `${folder}/none.png`], 60);
  assert.equal(signed.error, null, signed.error?.message);
  assert.deepEqual(signed.data!.map((d) => [d.path, d.error]), [[`${folder}/many.png`, null], [`${folder}/none.png`, "Either the object does not exist or you do not have access to it"]]);
  assert.deepEqual(await bytesOf(signed.data![0]!.signedUrl!), { status: 200, bytes: PNG });
  assert.equal(signed.data![1]!.signedUrl, null);
});

test("storage gap 10: API reads of a public bucket's objects follow the policies; public URLs do not", async () => {
  const { shop, folder } = await photoFolder();
  // Not the image of any product: only the store's merchant may read it through the API.
  assert.equal((await shop.merchant.supabase.storage.from("product-images").upload(`${folder}/draft.png`, PNG, { contentType: "image/png" })).error, null);
  const visitor = client().storage.from("product-images");
  assert.equal((await visitor.download(`${folder}/draft.png`)).data, null);
  assert.deepEqual((await visitor.exists(`${folder}/draft.png`)).data, false);
  assert.equal((await shop.merchant.supabase.storage.from("product-images").download(`${folder}/draft.png`)).error, null);
  assert.deepEqual(await bytesOf(visitor.getPublicUrl(`${folder}/draft.png`).data.publicUrl), { status: 200, bytes: PNG });
});

test("storage differences not fixed (README): list() has no folders, and search matches anywhere in the name; no image transformations", async () => {
  const { shop, folder } = await photoFolder();
  const images = shop.merchant.supabase.storage.from("product-images");
  assert.equal((await images.upload(`${folder}/listed.png`, PNG, { contentType: "image/png", upsert: true })).error, null);
  // Supabase lists the store's folder as one folder entry (id null) named after the product.
  const top = await images.list(shop.storeId);
  assert.ok(top.data!.length > 0 && top.data!.every((o) => o.id !== null && o.name.startsWith(`${folder}/`)), "files with whole names, no folder");
  // Supabase matches search against the start of the names within the folder; lite anywhere in
  // the whole name, so the product's id finds the file.
  const searched = await images.list(folder, { search: shop.product.GAP!.slice(4, 12) });
  assert.ok(searched.data!.some((o) => o.name === `${folder}/listed.png`));
  const transformed = await fetch(images.getPublicUrl(`${folder}/listed.png`, { transform: { width: 10 } }).data.publicUrl);
  assert.equal(transformed.status, 404, "/render/image is not served");
});

// Each way the local REST/Auth layer (@supabase/lite) differs from Supabase, shown by a test,
// with the workaround from stack/lib/rest.ts, stack/lib/gateway.ts or stack/sql/02-auth.sql.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { postgrestStatus } from "../../stack/lib/rest.js";
import { randomUUID } from "node:crypto";
import { client, db, env, signUp } from "../support/env.js";

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

test("auth.uid() reads the claims object the way Supabase's does", async () => {
  const [row] = await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-000000000001","role":"authenticated"}', true)`;
    return tx`select auth.uid()::text as uid, auth.role() as role`;
  });
  assert.deepEqual({ ...row }, { uid: "00000000-0000-0000-0000-000000000001", role: "authenticated" });
});

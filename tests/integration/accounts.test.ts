import { test, after } from "node:test";
import assert from "node:assert/strict";
import { client, db, env, PASSWORD, signUp, uniqueEmail, type Role } from "../support/env.js";

const sql = db();
after(() => sql.end());

for (const role of ["customer", "merchant", "rider"] as Role[]) {
  test(`a ${role} signs up, signs in and gets a ${role} profile`, async () => {
    const { userId, email } = await signUp(role);
    const supabase = client();
    const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(error, null);
    assert.equal(data.user?.id, userId);
    const profile = await supabase.from("profiles").select("id, role, status").single();
    assert.equal(profile.error, null);
    assert.deepEqual(profile.data, { id: userId, role, status: "active" });
  });
}

test("signing up without a role makes a customer", async () => {
  const supabase = client();
  const { data, error } = await supabase.auth.signUp({ email: uniqueEmail("norole"), password: PASSWORD });
  assert.equal(error, null);
  const profile = await supabase.from("profiles").select("role").single();
  assert.equal(profile.data?.role, "customer");
  assert.ok(data.user);
});

test("admin cannot be chosen at sign-up: a 400 and no account", async () => {
  const email = uniqueEmail("would-be-admin");
  const { data, error } = await client().auth.signUp({ email, password: PASSWORD, options: { data: { role: "admin" } } });
  assert.equal(error?.status, 400);
  assert.equal(error?.code, "role_not_allowed");
  assert.match(error!.message, /cannot be chosen at sign-up/);
  assert.equal(data.user, null);
  const rows = await sql`select 1 from auth.users where email = ${email}`;
  assert.equal(rows.length, 0);
});

test("an unknown role is refused the same way", async () => {
  const { error } = await client().auth.signUp({ email: uniqueEmail("pilot"), password: PASSWORD, options: { data: { role: "pilot" } } });
  assert.equal(error?.status, 400);
});

test("a wrong password is a 400, not a session", async () => {
  const { email } = await signUp("customer");
  const { data, error } = await client().auth.signInWithPassword({ email, password: "not-the-password" });
  assert.equal(error?.status, 400);
  assert.equal(data.session, null);
});

test("a malformed sign-up gets a clear 4xx", async () => {
  const short = await client().auth.signUp({ email: uniqueEmail("short"), password: "123" });
  assert.ok(short.error && short.error.status! >= 400 && short.error.status! < 500, `got ${short.error?.status}`);
  const res = await fetch(`${env.apiUrl}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: env.anonKey, "content-type": "application/json" },
    body: "{not json",
  });
  assert.ok(res.status >= 400 && res.status < 500, `got ${res.status}`);
});

test("a user reads only their own profile", async () => {
  const alice = await signUp("customer", "alice");
  const bob = await signUp("rider", "bob");
  const mine = await alice.supabase.from("profiles").select("id");
  assert.deepEqual(mine.data, [{ id: alice.userId }]);
  const theirs = await alice.supabase.from("profiles").select("id").eq("id", bob.userId);
  assert.deepEqual(theirs.data, []);
});

test("a user can rename themselves but not change their role", async () => {
  const u = await signUp("customer", "renamer");
  const renamed = await u.supabase.from("profiles").update({ full_name: "New Name" }).eq("id", u.userId).select("full_name").single();
  assert.equal(renamed.data?.full_name, "New Name");
  const promoted = await u.supabase.from("profiles").update({ role: "admin" }).eq("id", u.userId);
  assert.equal(promoted.error?.code, "42501");
  const [row] = await sql`select role from public.profiles where id = ${u.userId}`;
  assert.equal(row?.role, "customer");
});

test("anonymous callers see no profile", async () => {
  await signUp("customer");
  const { data, error } = await client().from("profiles").select("id");
  assert.ok(error, "anon must not read profiles");
  assert.equal(error.code, "42501");
  assert.equal(data, null);
});

test("the my_profile RPC returns the caller's profile", async () => {
  const u = await signUp("merchant", "rpc-user");
  const { data, error } = await u.supabase.rpc("my_profile");
  assert.equal(error, null);
  assert.equal(data.id, u.userId);
  assert.equal(data.role, "merchant");
});

test("the my_profile RPC refuses anonymous callers with a 401", async () => {
  const { error, status } = await client().rpc("my_profile");
  assert.equal(status, 401);
  assert.equal(error?.code, "42501");
});

test("an RPC that does not exist is a 404, not a 500", async () => {
  const { status, error } = await client().rpc("no_such_function" as never);
  assert.equal(status, 404);
  assert.ok(error);
});

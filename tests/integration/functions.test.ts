import { test } from "node:test";
import assert from "node:assert/strict";
import { client, env, signUp } from "../support/env.js";

const url = `${env.apiUrl}/functions/v1/whoami`;

test("an Edge Function without a JWT is refused with 401 by the gateway", async () => {
  const res = await fetch(url);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Error: Missing authorization header" });
});

test("an Edge Function with a forged JWT is refused with 401", async () => {
  const forged = env.anonKey.slice(0, -4) + (env.anonKey.endsWith("AAAA") ? "BBBB" : "AAAA");
  const res = await fetch(url, { headers: { Authorization: `Bearer ${forged}` } });
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Invalid JWT" });
});

test("the anon key passes the gateway but the function wants a signed-in user", async () => {
  const { data, error } = await client().functions.invoke("whoami", { method: "GET" });
  assert.equal(data, null);
  assert.equal((error as { context?: Response }).context?.status, 401);
});

test("whoami returns the caller's own profile, read under their JWT", async () => {
  const u = await signUp("rider", "fn-user");
  const { data, error } = await u.supabase.functions.invoke("whoami", { method: "GET" });
  assert.equal(error, null);
  assert.equal(data.id, u.userId);
  assert.equal(data.role, "rider");
});

test("whoami returns only the fields asked for", async () => {
  const u = await signUp("customer", "fields");
  const session = (await u.supabase.auth.getSession()).data.session!;
  const res = await fetch(`${url}?fields=role,full_name`, { headers: { Authorization: `Bearer ${session.access_token}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { role: "customer", full_name: "fields" });
});

test("a bad query gets a 400 with per-field errors", async () => {
  const u = await signUp("customer", "badquery");
  const session = (await u.supabase.auth.getSession()).data.session!;
  const res = await fetch(`${url}?fields=role,password`, { headers: { Authorization: `Bearer ${session.access_token}` } });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.code, "invalid_request");
  assert.ok(Array.isArray(body.details.fields));
});

test("a wrong method gets a 405", async () => {
  const res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${env.anonKey}` }, body: "{}" });
  assert.equal(res.status, 405);
});

test("an unknown function is a 404", async () => {
  const res = await fetch(`${env.apiUrl}/functions/v1/no-such-function`, { headers: { Authorization: `Bearer ${env.anonKey}` } });
  assert.equal(res.status, 404);
});

test("the function answers its own CORS preflight", async () => {
  const res = await fetch(url, { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "GET" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

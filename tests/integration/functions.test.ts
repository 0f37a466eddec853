// The Edge Functions' HTTP face as the stack serves it, through `checkout` (verify_jwt = true):
// the gateway's JWT check, the caller taken from the verified token, per-field 400s, 405, 404
// and CORS. What checkout does with an order is tests/integration/checkout.test.ts's.
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { client, env, signUp } from "../support/env.js";

const url = `${env.apiUrl}/functions/v1/checkout`;
const post = (token: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": randomUUID(), "Content-Type": "application/json" }, body: JSON.stringify(body) });

test("an Edge Function without a JWT is refused with 401 by the gateway", async () => {
  const res = await fetch(url, { method: "POST", body: "{}" });
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Error: Missing authorization header" });
});

test("an Edge Function with a forged JWT is refused with 401", async () => {
  const forged = env.anonKey.slice(0, -4) + (env.anonKey.endsWith("AAAA") ? "BBBB" : "AAAA");
  const res = await post(forged, {});
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Invalid JWT" });
});

test("the anon key passes the gateway but the function wants a signed-in user", async () => {
  const { data, error } = await client().functions.invoke("checkout", { body: {}, headers: { "Idempotency-Key": randomUUID() } });
  assert.equal(data, null);
  const res = (error as { context?: Response }).context!;
  assert.equal(res.status, 401);
  assert.equal((await res.json()).code, "sign_in_required");
});

test("a signed-in caller reaches the function, which answers a bad body with a 400 per field", async () => {
  const u = await signUp("customer", "fn-user");
  const session = (await u.supabase.auth.getSession()).data.session!;
  const res = await post(session.access_token, { store_id: "not-a-uuid", items: [], delivery: { address: "7 Karve Road, Pune", lat: 18.5, lng: 73.8 }, payment_method: "cod" });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.code, "invalid_request");
  assert.deepEqual(Object.keys(body.details).sort(), ["items", "store_id"]);
});

test("a wrong method gets a 405", async () => {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${env.anonKey}` } });
  assert.equal(res.status, 405);
  assert.equal((await res.json()).code, "method_not_allowed");
});

test("an unknown function is a 404", async () => {
  const res = await fetch(`${env.apiUrl}/functions/v1/no-such-function`, { headers: { Authorization: `Bearer ${env.anonKey}` } });
  assert.equal(res.status, 404);
});

test("the function answers its own CORS preflight", async () => {
  const res = await fetch(url, { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { env } from "../support/env.js";

test("REST answers a CORS preflight from any origin, as Kong does on Supabase", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/profiles`, {
    method: "OPTIONS",
    headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "apikey, authorization, x-client-info" },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /apikey/);
});

test("REST responses carry the CORS header", async () => {
  const res = await fetch(`${env.apiUrl}/auth/v1/health`, { headers: { apikey: env.anonKey, Origin: "http://localhost:5173" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

test("a request without an API key is refused with 401", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/profiles`);
  assert.equal(res.status, 401);
});

test("an unknown API key is refused with 401", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/profiles`, { headers: { apikey: "sb_publishable_not-a-real-key" } });
  assert.equal(res.status, 401);
});

test("both key forms work: opaque publishable/secret and legacy JWT anon/service_role", async () => {
  for (const key of [env.publishableKey, env.anonKey]) {
    const res = await fetch(`${env.apiUrl}/auth/v1/settings`, { headers: { apikey: key } });
    assert.equal(res.status, 200, `key ${key.slice(0, 12)}…`);
  }
  for (const key of [env.secretKey, env.serviceRoleKey]) {
    const res = await fetch(`${env.apiUrl}/rest/v1/profiles?select=id&limit=1`, { headers: { apikey: key } });
    assert.equal(res.status, 200, `key ${key.slice(0, 12)}…`);
  }
});

test("an unknown table is a 404 with PostgREST's code", async () => {
  const res = await fetch(`${env.apiUrl}/rest/v1/no_such_table`, { headers: { apikey: env.anonKey } });
  assert.equal(res.status, 404);
  assert.equal((await res.json()).code, "PGRST205");
});

test("a path outside the APIs is a 404", async () => {
  const res = await fetch(`${env.apiUrl}/nowhere`);
  assert.equal(res.status, 404);
});

test("the Realtime path is served: an empty broadcast batch is Realtime's 422 naming the field", async () => {
  const res = await fetch(`${env.apiUrl}/realtime/v1/api/broadcast`, { method: "POST", headers: { apikey: env.anonKey } });
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), { errors: { messages: ["can't be blank"] } });
});

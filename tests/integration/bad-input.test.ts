// Bad input is a 4xx with a message, never a 5xx, and changes nothing: NUL bytes, lone UTF-16
// surrogates, 1 MB strings and values of the wrong type, sent as a signed-in customer to every
// RPC the API roles may call (listed from the catalog, so a new function is swept too), to
// every Edge Function and to sign-up; and a token whose user no longer exists cannot check out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { signJwt } from "../../stack/lib/jwt.js";
import { db, env, uniqueEmail } from "../support/env.js";
import { checkout, newKey, NEAR, person, type Person } from "../support/orders.js";

const sql = db();
let customer: Person;
before(async () => {
  customer = await person("customer", "sweep");
});
after(() => sql.end());

const PAYLOADS: Record<string, unknown> = {
  nul: "a\u0000b",
  "lone surrogate": "\ud800",
  "lone low surrogate": "x\udfffy",
  "1 MB string": "x".repeat(1 << 20),
  "a fraction": 1.5,
  "a boolean": true,
  "an object": { text: "a\u0000b", other: "\udc00" },
  "an array": ["a\u0000b", "\ud800"],
};

/** A plausible value for an argument of the type, so that the other arguments get checked. */
function baseline(name: string, type: string): unknown {
  if (type.endsWith("[]")) return [];
  if (type === "uuid") return randomUUID();
  if (/^(integer|bigint|smallint)$/.test(type)) return 1;
  if (/^(double precision|numeric|real)$/.test(type)) return name === "lng" ? NEAR.lng : name === "lat" ? NEAR.lat : 1;
  if (type === "boolean") return true;
  if (/^timestamp/.test(type)) return new Date().toISOString();
  if (/^jsonb?$/.test(type)) {
    if (name === "items") return [{ product_id: randomUUID(), quantity: 1 }];
    if (name === "delivery") return { address: "7 Karve Road, Pune", ...NEAR };
    return {};
  }
  return "x";
}

/** The value with each of its leaves (or itself) replaced by the payload, one at a time. */
function variants(value: unknown, payload: unknown): Array<{ where: string; value: unknown }> {
  const out = [{ where: "", value: payload }];
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      for (const inner of variants(v, payload)) {
        const copy: any = Array.isArray(value) ? [...value] : { ...value };
        copy[k] = inner.value;
        out.push({ where: `.${k}${inner.where}`, value: copy });
      }
    }
  }
  return out;
}

/** What the owner sees of the data the swept calls could touch. */
async function snapshot(): Promise<string> {
  const [row] = await sql`
    select (select count(*) from public.orders) as orders, (select count(*) from public.order_items) as items,
           (select count(*) from public.order_events) as events, (select count(*) from public.messages) as messages,
           (select count(*) from public.notifications where read_at is null) as unread,
           (select count(*) from public.push_subscriptions) as devices, (select count(*) from public.push_preferences) as preferences,
           (select count(*) from public.stores) as stores, (select count(*) from public.reviews) as reviews, (select sum(stock) from public.products) as stock,
           (select count(*) from auth.users) as users, (select md5(string_agg(to_jsonb(p)::text, '' order by id)) from public.profiles p) as profiles,
           (select md5(string_agg(to_jsonb(r)::text, '' order by rider_id)) from public.rider_profiles r) as riders`;
  return JSON.stringify(row);
}

interface Failure {
  call: string;
  status: number;
  body: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { apikey: env.anonKey, authorization: `Bearer ${customer.token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

test("every public RPC answers NUL bytes, lone surrogates, 1 MB strings and wrong types with a 4xx and changes nothing", async () => {
  const functions = await sql<{ name: string; args: Array<{ name: string; type: string }> }[]>`
    select p.proname as name,
           coalesce((select json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null)) order by a.n)
                     from unnest(p.proargnames, p.proargtypes::oid[]) with ordinality as a (name, type, n)
                     where a.n <= p.pronargs), '[]') as args
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype
      and (has_function_privilege('authenticated', p.oid, 'execute') or has_function_privilege('anon', p.oid, 'execute'))
    order by 1`;
  assert.ok(functions.some((f) => f.name === "place_order"), "the catalog lists the API's functions");
  // The scheduled jobs (riders gone silent taken off shift, pending orders expired) change the same
  // tables on their own clock: paused while the sweep runs, so a change can only be the sweep's.
  const paused = (await sql<{ jobid: number }[]>`update cron.job set active = false where active returning jobid`).map((j) => j.jobid);
  try {
    await sweep(functions);
  } finally {
    await sql`update cron.job set active = true where jobid = any(${paused})`;
  }
});

async function sweep(functions: { name: string; args: Array<{ name: string; type: string }> }[]): Promise<void> {
  const before = await snapshot();
  const failures: Failure[] = [];
  for (const f of functions) {
    const base = Object.fromEntries(f.args.map((a) => [a.name, baseline(a.name, a.type)]));
    for (const [kind, payload] of Object.entries(PAYLOADS)) {
      for (const arg of f.args) {
        for (const v of variants(base[arg.name], payload)) {
          const r = await post(`${env.apiUrl}/rest/v1/rpc/${f.name}`, { ...base, [arg.name]: v.value });
          if (r.status >= 500) failures.push({ call: `${f.name}(${arg.name}${v.where} = ${kind})`, status: r.status, body: r.text.slice(0, 200) });
        }
      }
      // The payload as an argument name, too.
      const r = await post(`${env.apiUrl}/rest/v1/rpc/${f.name}`, { ...base, [String(payload).slice(0, 100)]: payload });
      if (r.status >= 500) failures.push({ call: `${f.name}(unknown argument = ${kind})`, status: r.status, body: r.text.slice(0, 200) });
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(await snapshot(), before, "nothing changed");
}

test("every Edge Function and sign-up answer the same bad input with a 4xx and change nothing", async () => {
  const before = await snapshot();
  const failures: Failure[] = [];
  const order = { store_id: randomUUID(), items: [{ product_id: randomUUID(), quantity: 1 }], delivery: { address: "7 Karve Road, Pune", ...NEAR }, notes: "ring twice", payment_method: "cod" };
  const signUp = { email: "x@example.com", password: "long-enough-password", data: { role: "customer", full_name: "Asha" } };
  for (const [kind, payload] of Object.entries(PAYLOADS)) {
    for (const v of variants(order, payload)) {
      const r = await checkout(customer.token, newKey(), v.value);
      if (r.status >= 500) failures.push({ call: `checkout(body${v.where} = ${kind})`, status: r.status, body: r.text.slice(0, 200) });
    }
    for (const v of variants({ type: "INSERT", schema: "public", table: "notifications", record: { id: randomUUID() } }, payload)) {
      const r = await post(`${env.apiUrl}/functions/v1/push`, v.value);
      if (r.status >= 500) failures.push({ call: `push(body${v.where} = ${kind})`, status: r.status, body: r.text.slice(0, 200) });
    }
    for (const v of variants(signUp, payload)) {
      // A fresh address each time, unless the payload is the address.
      const body = v.where === "" || v.where === ".email" ? v.value : { ...(v.value as object), email: uniqueEmail("sweep-signup") };
      const r = await post(`${env.apiUrl}/auth/v1/signup`, body, { authorization: `Bearer ${env.anonKey}` });
      if (r.status >= 500) failures.push({ call: `signup(body${v.where} = ${kind})`, status: r.status, body: r.text.slice(0, 200) });
    }
  }
  // A query string cannot carry a lone surrogate: invalid UTF-8 stands in for it.
  for (const query of ["%00", "%ED%A0%80", "%FF", encodeURIComponent("x".repeat(1 << 16)), "fields=%00", "fields=%ED%A0%80", "fields=role%00"]) {
    for (const fn of ["checkout", "push"]) {
      const res = await fetch(`${env.apiUrl}/functions/v1/${fn}?${query}`, { headers: { apikey: env.anonKey, authorization: `Bearer ${customer.token}` } });
      if (res.status >= 500) failures.push({ call: `${fn}?${query.slice(0, 40)}`, status: res.status, body: (await res.text()).slice(0, 200) });
    }
  }
  assert.deepEqual(failures, []);
  // Sign-ups with a strange but valid value (a 1 MB password, a name that is a number) are let in,
  // as GoTrue lets them; nothing else changed.
  await sql`delete from auth.users where email like 'sweep-signup-%@example.com'`;
  assert.equal(await snapshot(), before, "nothing changed");
});

test("a still-valid token of a deleted account, or of an id that never existed, cannot check out: 401", async () => {
  const gone = await person("customer", "gone");
  await sql`delete from auth.users where id = ${gone.userId}`;
  const now = Math.floor(Date.now() / 1000);
  const never = signJwt({ sub: randomUUID(), role: "authenticated", aud: "authenticated", iat: now, exp: now + 600 }, process.env.JWT_SECRET!);
  const request = { store_id: randomUUID(), items: [{ product_id: randomUUID(), quantity: 1 }], delivery: { address: "7 Karve Road, Pune", ...NEAR }, payment_method: "cod" };
  for (const token of [gone.token, never]) {
    const viaFunction = await checkout(token, newKey(), request);
    assert.equal(viaFunction.status, 401, viaFunction.text);
    assert.equal((viaFunction.body as { code: string }).code, "sign_in_required");
    const viaRpc = await post(`${env.apiUrl}/rest/v1/rpc/place_order`, { idempotency_key: newKey(), ...request }, { authorization: `Bearer ${token}` });
    assert.equal(viaRpc.status, 401, viaRpc.text);
    assert.equal(JSON.parse(viaRpc.text).code, "sign_in_required");
  }
});

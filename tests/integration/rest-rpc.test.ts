// The RPC fast path in stack/lib/rest.ts answers exactly as lite does. A call with a query
// string, even an empty one, always goes to lite, so each call below is made both ways and the
// answers compared: status, headers and body, byte for byte.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import postgres from "postgres";
import type { FunctionInfo } from "@supabase/lite";
import { signJwt, signedJwt } from "../../stack/lib/jwt.js";
import { acceptedClaims, createLiteConnection, requestHeaders, rpcStatements, sqlLiteral, webHeaders, type RpcCall } from "../../stack/lib/rest.js";
import { db, env, signUp } from "../support/env.js";

const sql = db();
// Nagpur: no seeded city near it, so the stores made here are the ones found.
const HERE = { lat: 21.1458, lng: 79.0882 };
const secret = process.env.JWT_SECRET!;
const now = Math.floor(Date.now() / 1000);
const storeIds: string[] = [];
let userToken: string;
let suspendedToken: string;

before(async () => {
  const { userId: ownerId } = await signUp("merchant", "fast-rpc");
  const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));
  for (const [i, name] of ["Fast Path Kirana", "Fast Path Bakery"].entries()) {
    const [store] = await sql`
      insert into public.stores (owner_id, name, address, location, status, opening_hours, delivery_radius_m, category)
      values (${ownerId}, ${name}, 'Sitabuldi, Nagpur', ${`SRID=4326;POINT(${HERE.lng + i / 1000} ${HERE.lat})`}, 'approved',
              ${(i === 0 ? allDay : {}) as never}, 3000, ${i === 0 ? "general" : "bakery"})
      returning id`;
    storeIds.push(store!.id);
    await sql`insert into public.products (store_id, sku, name, category, unit, price_paise, stock)
              values (${store!.id}, 'TOM-1KG', ${`Tomato O'Hybrid ${i}`}, 'Vegetables', '1 kg', 4000, ${i * 5})`;
  }
  const token = async (label: string) => {
    const { supabase, userId } = await signUp("customer", label);
    return { userId, token: (await supabase.auth.getSession()).data.session!.access_token };
  };
  userToken = (await token("fast-rpc")).token;
  const suspended = await token("fast-rpc-suspended");
  await sql`update public.profiles set status = 'suspended' where id = ${suspended.userId}`;
  suspendedToken = suspended.token;
});

after(async () => {
  await sql`delete from public.products where store_id in ${sql(storeIds)}`;
  await sql`delete from public.stores where id in ${sql(storeIds)}`;
  await sql.end();
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function post(path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The path as given: a URL would drop an empty query string.
    const { hostname, port } = new URL(env.apiUrl);
    const req = http.request({ hostname, port, path, method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const { date: _date, connection: _connection, "keep-alive": _keepAlive, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The answer to a call, after checking lite gives the same one. */
async function sameAsLite(fn: string, args: unknown, headers: Record<string, string>): Promise<Answer> {
  const body = typeof args === "string" ? args : JSON.stringify(args);
  const all = { "content-type": "application/json", ...headers };
  const [answer, lite] = await Promise.all([post(`/rest/v1/rpc/${fn}`, all, body), post(`/rest/v1/rpc/${fn}?`, all, body)]);
  assert.deepEqual(answer, lite, `${fn} ${body}`);
  return answer;
}

const anon = { apikey: env.anonKey };
const CALLERS: Record<string, () => Record<string, string>> = {
  "the legacy anon key": () => anon,
  "the anon key as bearer too": () => ({ ...anon, authorization: `Bearer ${env.anonKey}` }),
  "the publishable key": () => ({ apikey: env.publishableKey, authorization: `Bearer ${env.publishableKey}` }),
  "the secret key": () => ({ apikey: env.secretKey }),
  "the service_role key": () => ({ apikey: env.serviceRoleKey, authorization: `Bearer ${env.serviceRoleKey}` }),
  "a signed-in customer": () => ({ ...anon, authorization: `Bearer ${userToken}`, "content-profile": "public", "x-client-info": "supabase-js/2" }),
  "a suspended customer, who finds nothing": () => ({ ...anon, authorization: `Bearer ${suspendedToken}` }),
  "an expired token": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "authenticated", sub: "x", exp: now - 10 }, secret)}` }),
  "a token issued in the future": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "authenticated", iat: now + 600 }, secret)}` }),
  "a token not valid yet": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "authenticated", nbf: now + 600 }, secret)}` }),
  "a token with a text expiry": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "authenticated", exp: "never" } as never, secret)}` }),
  "a token of another secret": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "authenticated" }, "another secret")}` }),
  "a token for a role that does not exist": () => ({ ...anon, authorization: `Bearer ${signJwt({ role: "nobody_here", exp: now + 600 }, secret)}` }),
  "a Basic authorization": () => ({ ...anon, authorization: "Basic dXNlcjpwYXNz" }),
  "an unknown key": () => ({ apikey: "sb_publishable_not_ours" }),
};

for (const [who, headers] of Object.entries(CALLERS)) {
  test(`nearby_stores for ${who} answers as lite does`, async () => {
    await sameAsLite("nearby_stores", { ...HERE, radius_m: 2000 }, headers());
  });
}

test("a visitor's nearby_stores lists the test stores, and lite agrees", async () => {
  const answer = await sameAsLite("nearby_stores", { ...HERE, open_now: false, max_results: 50 }, anon);
  assert.equal(answer.status, 200);
  const ids = (JSON.parse(answer.body) as Array<{ id: string }>).map((s) => s.id);
  assert.ok(storeIds.every((id) => ids.includes(id)));
  assert.match(String(answer.headers["content-range"]), /^0-\d+\/\*$/);
});

const CALLS: Array<[string, unknown]> = [
  ["nearby_stores", HERE],
  ["nearby_stores", { ...HERE, max_results: 1, radius_m: 500, open_now: false, category: "bakery" }],
  ["nearby_stores", { lng: String(HERE.lng), lat: String(HERE.lat) }],
  ["nearby_stores", { lat: 0, lng: 0 }],
  ["nearby_stores", { ...HERE, category: null }],
  ["nearby_stores", { ...HERE, category: "jewellery" }],
  ["nearby_stores", { ...HERE, category: "o'brien\\" }],
  ["nearby_stores", { ...HERE, max_results: 1.5 }],
  ["nearby_stores", { ...HERE, max_results: 1e21 }],
  ["nearby_stores", { ...HERE, open_now: "yes" }],
  ["nearby_stores", { ...HERE, open_now: "true" }],
  ["nearby_stores", { ...HERE, open_now: 1 }],
  ["nearby_stores", { ...HERE, category: 5 }],
  ["nearby_stores", { lat: true, lng: 1 }],
  ["nearby_stores", { lat: null, lng: null }],
  ["nearby_stores", { lat: HERE.lat }],
  ["nearby_stores", { ...HERE, nope: 1 }],
  ["nearby_stores", { ...HERE, lat: [1] }],
  ["nearby_stores", { ...HERE, lat: { a: 1 } }],
  ["nearby_stores", {}],
  ["nearby_stores", []],
  ["nearby_stores", "not json"],
  ["nearby_stores", ""],
  ["search_products", { query: "tometo", ...HERE }],
  ["search_products", { query: "o'hybrid", ...HERE }],
  ["search_products", { query: "back\\slash \\' '' E'x' $$ %_", ...HERE }],
  ["search_products", { query: "टमाटर 😀 \ud800", ...HERE }],
  ["search_products", { query: "nul \u0000 here", ...HERE }],
  ["search_products", { query: "", ...HERE }],
  ["search_products", { query: 42, ...HERE }],
  ["search_products", { query: "a".repeat(200), ...HERE }],
  ["my_profile", {}],
  ["hook_before_user_created", { event: {} }],
  ["no_such_function", {}],
];

for (const [fn, args] of CALLS) {
  test(`${fn} ${JSON.stringify(args)} answers as lite does`, async () => {
    await sameAsLite(fn, args, anon);
  });
}

const HEADERS: Array<Record<string, string>> = [
  { accept: "*/*" },
  { accept: "application/json" },
  { accept: "application/vnd.pgrst.object+json" },
  { accept: "text/csv" },
  { "content-type": "application/json; charset=utf-8" },
  { "content-type": "text/plain" },
  { "content-profile": "public" },
  { "content-profile": "private" },
  { prefer: "count=exact" },
  { range: "0-0" },
  { "user-agent": "Mozilla/5.0", apikey: "" },
];

for (const extra of HEADERS) {
  test(`search_products with ${JSON.stringify(extra)} answers as lite does`, async () => {
    await sameAsLite("search_products", { query: "tomato", ...HERE }, { ...anon, ...extra });
  });
}

test("the secret key from a browser is refused as lite refuses it", async () => {
  const answer = await sameAsLite("nearby_stores", HERE, { apikey: env.secretKey, "user-agent": "Mozilla/5.0 (X11)" });
  assert.equal(answer.status, 401);
});

const lite = createLiteConnection(env.dbUrl);
after(() => lite.close());
const call = (fn: string, args: Record<string, unknown>): RpcCall => ({ fn, args, role: "anon", sub: "", claims: { role: "anon" }, headers: {} });
const functions = async (name: string): Promise<FunctionInfo[]> => ((await lite.introspect()).functions ?? []).filter((f) => f.schema === "public" && f.name === name);

test("the fast path takes the discovery calls, and leaves lite what it does not take", async () => {
  assert.match(rpcStatements(call("nearby_stores", HERE), await functions("nearby_stores"), 1000)!, /nearby_stores\(lat := '21\.1458'::double precision, lng := '79\.0882'::double precision\) as "nearby_stores" limit 1000;/);
  assert.match(rpcStatements(call("search_products", { query: "o'x", ...HERE }), await functions("search_products"), 1000)!, /search_products\(query := E'o''x', lat/);
  assert.equal(rpcStatements(call("my_profile", {}), await functions("my_profile"), 1000), null, "one row, not a set");
  assert.equal(rpcStatements(call("hook_before_user_created", { event: "{}" }), await functions("hook_before_user_created"), 1000), null, "JSON argument");
  assert.equal(rpcStatements(call("nearby_stores", { ...HERE, nope: 1 }), await functions("nearby_stores"), 1000), null, "unknown argument");
  assert.equal(rpcStatements(call("nearby_stores", { ...HERE, lat: [1] }), await functions("nearby_stores"), 1000), null, "array value");
  assert.equal(rpcStatements(call("nearby_stores", { ...HERE, open_now: "true" }), await functions("nearby_stores"), 1000), null, "text for a boolean");
  assert.equal(rpcStatements(call("nearby_stores", HERE), [], 1000), null, "no such function");
  const volatile = (await functions("nearby_stores")).map((f) => ({ ...f, volatility: "v" }));
  assert.equal(rpcStatements(call("nearby_stores", HERE), volatile, 1000), null, "volatile");
});

test("a literal means what postgres.js sends for the value as a parameter", async () => {
  const direct = postgres(env.dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (const value of ["a'b", "a\\b", "\\'", "''", "E'x'", "$$x$$", "\n\t\r", "टमाटर 😀", "\ud800", "", 42, -0, 1e21, 5e-7, true, false, null]) {
      const read = (x: string) => `select pg_typeof(x)::text as type, x::text as text from (select ${x} as x) as given`;
      const [literal] = await direct.unsafe(read(sqlLiteral(value)!));
      const [param] = await direct.unsafe(read("$1"), [value as never]);
      assert.deepEqual({ ...literal }, { ...param }, JSON.stringify(value));
    }
    assert.equal(sqlLiteral("nul \u0000"), undefined);
    assert.equal(sqlLiteral({}), undefined);
  } finally {
    await direct.end();
  }
});

test("a user's token is taken only when lite would take it", () => {
  const token = (claims: unknown, header: unknown = { alg: "HS256", typ: "JWT" }) => {
    const part = (o: unknown) => (Buffer.isBuffer(o) ? o : Buffer.from(JSON.stringify(o))).toString("base64url");
    const unsigned = `${part(header)}.${part(claims)}`;
    return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
  };
  const accepted = (t: string) => acceptedClaims(t, signedJwt(t, secret), now);
  const good = { sub: "u", role: "authenticated", exp: now + 60, iat: now, nbf: now };
  assert.deepEqual(accepted(token(good)), good);
  for (const claims of [{ exp: now }, { exp: "soon" }, { nbf: now + 1 }, { iat: now + 1 }, { iat: null }, [1], Buffer.from('{"a":"\xff"}', "latin1")]) {
    assert.equal(accepted(token(claims)), null, String(claims));
  }
  assert.equal(accepted(token({}, { alg: "HS256", crit: ["exp"] })), null);
  assert.equal(accepted(token({}, { alg: "HS256", b64: true })), null);
  assert.equal(accepted(token({}, { alg: "none" })), null);
  assert.equal(accepted(`${token(good)}x`), null);
});

test("request.headers is the object lite makes from the web Request's headers", () => {
  const asLite = (h: http.IncomingHttpHeaders) => Object.fromEntries(webHeaders(h));
  const typical = { host: "127.0.0.1:54321", connection: "keep-alive", "content-type": "application/json", apikey: env.anonKey, accept: "*/*", "user-agent": "node", "content-length": "40" };
  assert.deepEqual(Object.entries(requestHeaders(typical)), Object.entries(asLite(typical)), "same names, values and order");
  const odd: http.IncomingHttpHeaders[] = [
    { "set-cookie": ["a=1", "b=2"], b: "x" },
    { "x-a": " padded", "x-b": "tab\t" },
    { "x-a": "", "x-b": "a, b", "x-c": "\u00e9\u00ff\u007f\u0001\u000b" },
    { "x-z": "1", "x-a": "2", a: "3", "x-": "4", "x-a-b": "5", "x_a": "6" },
    { "x-u": undefined, "x-v": "v" },
  ];
  for (const h of odd) assert.deepEqual(Object.entries(requestHeaders(h)), Object.entries(asLite(h)), JSON.stringify(h));
  for (let c = 0; c < 256; c++) {
    const h = { "x-c": `a${String.fromCharCode(c)}b`, "x-d": String.fromCharCode(c) };
    let expected: unknown;
    try {
      expected = Object.entries(asLite(h));
    } catch (e) {
      expected = e;
    }
    if (expected instanceof Error) assert.throws(() => requestHeaders(h), `code ${c}`);
    else assert.deepEqual(Object.entries(requestHeaders(h)), expected, `code ${c}`);
  }
});

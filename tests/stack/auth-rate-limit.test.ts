// Supabase Auth's per-IP limits from config.toml's [auth.rate_limit], which lite does not have:
// the limiter on a moved clock at the configured numbers, and a stack started with exactly those
// numbers answering the request over the limit with GoTrue's 429, locking out nothing else.
import http from "node:http";
import path from "node:path";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { loadProjectConfig, RATE_LIMIT_WINDOW_MS } from "../../stack/lib/config.js";
import { authLimitOf, authRateLimits, RateLimiter } from "../../stack/lib/ratelimit.js";
import { ROOT } from "../../stack/lib/paths.js";
import { startThrowawayStack, type ThrowawayStack } from "../../stack/lib/throwaway.js";
import { DEMO_PASSWORD } from "../../seed/demo-accounts.js";
import ws from "ws";
import { createClient } from "@supabase/supabase-js";
import { signInFailureMessage } from "../../app/src/lib/accounts/auth-errors.js";

const config = loadProjectConfig();
const limits = config.authRateLimits;
const OVER_LIMIT = { code: 429, error_code: "over_request_rate_limit", msg: "Request rate limit reached" };

test("the limits are config.toml's: 30 sign-ins and sign-ups and 150 session refreshes per 5 minutes", () => {
  assert.deepEqual(limits, { sign_in_sign_ups: 30, token_refresh: 150, token_verifications: 30, anonymous_users: 30 });
});

test("a limiter lets the configured number through at once, then one more each window / limit, per address", () => {
  let now = 0;
  const n = limits.sign_in_sign_ups;
  const limiter = new RateLimiter(n, RATE_LIMIT_WINDOW_MS.sign_in_sign_ups, () => now);
  const answers = Array.from({ length: n + 1 }, () => limiter.take("10.0.0.1"));
  assert.deepEqual(answers, [...Array(n).fill(true), false]);
  assert.equal(limiter.take("10.0.0.2"), true, "another address has its own allowance");
  now += RATE_LIMIT_WINDOW_MS.sign_in_sign_ups / n - 1;
  assert.equal(limiter.take("10.0.0.1"), false, "nothing back before window / limit");
  now += 1;
  assert.deepEqual([limiter.take("10.0.0.1"), limiter.take("10.0.0.1")], [true, false], "one request back after window / limit");
  now += RATE_LIMIT_WINDOW_MS.sign_in_sign_ups * 10;
  assert.deepEqual(Array.from({ length: n + 1 }, () => limiter.take("10.0.0.1")), [...Array(n).fill(true), false], "a long pause gives back the limit, no more");
});

test("each auth endpoint counts against the limit Supabase Auth counts it against, and the rest against none", () => {
  const of = (method: string, p: string, grant: string | null = null, body: Record<string, unknown> = {}) => authLimitOf(method, p, grant, body);
  assert.deepEqual(of("POST", "/auth/v1/signup", null, { email: "a@b.c" }), { limit: "sign_in_sign_ups", count: "sign-in" });
  assert.deepEqual(of("POST", "/auth/v1/token", "password"), { limit: "sign_in_sign_ups", count: "sign-in" });
  assert.deepEqual(of("POST", "/auth/v1/signup"), { limit: "anonymous_users", count: "anonymous" });
  assert.deepEqual(of("POST", "/auth/v1/token", "refresh_token"), { limit: "token_refresh", count: "token" });
  assert.deepEqual(of("POST", "/auth/v1/otp"), { limit: "sign_in_sign_ups", count: "otp" });
  assert.deepEqual(of("POST", "/auth/v1/recover"), { limit: "sign_in_sign_ups", count: "recover" });
  assert.deepEqual(of("GET", "/auth/v1/verify"), { limit: "token_verifications", count: "verify" });
  for (const [method, p] of [["GET", "/auth/v1/user"], ["POST", "/auth/v1/logout"], ["GET", "/auth/v1/settings"], ["GET", "/auth/v1/token"]] as const) assert.equal(of(method, p), null, `${method} ${p}`);
  // Limits made from the settings: sign-up and password sign-in share one count.
  const now = 0;
  const allow = authRateLimits({ ...limits, sign_in_sign_ups: 2 }, () => now);
  const signIn = of("POST", "/auth/v1/token", "password")!;
  const signUp = of("POST", "/auth/v1/signup", null, { email: "a@b.c" })!;
  assert.deepEqual([allow("a", signIn), allow("a", signUp), allow("a", signIn), allow("a", of("POST", "/auth/v1/otp")!)], [true, true, false, true]);
});

// ---------------------------------------------------------------------------------------------
// End to end, on a stack of its own started with config.toml's numbers (test stacks raise them).
let stack: ThrowawayStack;
before(async () => {
  const env = Object.fromEntries(Object.entries(limits).map(([k, v]) => [`AUTH_RATE_LIMIT_${k.toUpperCase()}`, String(v)]));
  stack = await startThrowawayStack({ name: `ratelimit-${process.pid}`, logFile: path.join(ROOT, "test-results", "stack-ratelimit.log"), env });
});
after(() => stack?.stop());

/** A request from a loopback address of its own (Linux routes all of 127/8 to this host). */
function request(from: string, method: string, target: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const api = new URL(stack.status.API_URL);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: api.hostname, port: api.port, localAddress: from, method, path: target, headers: { apikey: stack.status.ANON_KEY, "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const signIn = (from: string, password: string) => request(from, "POST", "/auth/v1/token?grant_type=password", { email: "customer@example.com", password });

/**
 * The answer to `attempt` from an address that has used its allowance: wrong passwords until one
 * is refused, then the attempt at once. The allowance refills one request per window / limit
 * (10 s at config.toml's numbers), so on a slow machine a refill may come between the two; the
 * attempt is then allowed, as it should be, and the address uses its allowance up again.
 */
async function overTheLimit(from: string, attempt: () => Promise<{ status: number; body: any }>) {
  let answer: { status: number; body: any } | undefined;
  for (let round = 0; round < 5 && answer?.status !== 429; round++) {
    for (let i = 0; i < limits.sign_in_sign_ups * 2 && (await signIn(from, "not-the-password")).status !== 429; i++);
    answer = await attempt();
  }
  return answer;
}

test("over the limit a sign-in is GoTrue's 429 for that address only; its other requests still work", async () => {
  const attacker = "127.0.0.2";
  // A burst of the whole allowance at once: nothing is refused before the limit.
  const wrong = await Promise.all(Array.from({ length: limits.sign_in_sign_ups }, () => signIn(attacker, "not-the-password")));
  assert.deepEqual(new Set(wrong.map((r) => `${r.status} ${r.body.error_code}`)), new Set(["400 invalid_credentials"]), "every attempt up to the limit is answered");
  const right = await overTheLimit(attacker, () => signIn(attacker, DEMO_PASSWORD));
  assert.deepEqual(right, { status: 429, body: OVER_LIMIT }, "the right password is refused too once the limit is used");
  const signUp = await overTheLimit(attacker, () =>
    request(attacker, "POST", "/auth/v1/signup", { email: `limited-${randomUUID().slice(0, 8)}@example.com`, password: "long-enough-password" }),
  );
  assert.deepEqual(signUp, { status: 429, body: OVER_LIMIT }, "sign-ups share the count");

  // Someone else signs in; the limited address still reads the API and refreshes a session.
  const other = await signIn("127.0.0.3", DEMO_PASSWORD);
  assert.equal(other.status, 200);
  const rest = await request(attacker, "GET", "/rest/v1/stores?select=id&limit=1");
  assert.equal(rest.status, 200);
  const user = await request(attacker, "GET", "/auth/v1/user", undefined, { authorization: `Bearer ${other.body.access_token}` });
  assert.equal(user.status, 200);
  const refreshed = await request(attacker, "POST", "/auth/v1/token?grant_type=refresh_token", { refresh_token: other.body.refresh_token });
  assert.equal(refreshed.status, 200, "refreshing a session counts against a limit of its own");
});

/** A fetch for supabase-js whose requests leave from one loopback address. */
function fetchFrom(from: string): typeof fetch {
  const api = new URL(stack.status.API_URL);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers));
    return new Promise((resolve, reject) => {
      const req = http.request({ host: api.hostname, port: api.port, localAddress: from, method: init?.method ?? "GET", path: url.pathname + url.search, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: res.headers as Record<string, string> })));
      });
      req.on("error", reject);
      req.end(init?.body as string | undefined);
    });
  };
}

test("the app's sign-in says to wait a minute, not that something went wrong, when Auth's limit is reached", async () => {
  const from = "127.0.0.4";
  const supabase = createClient(stack.status.API_URL, stack.status.ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { fetch: fetchFrom(from) },
    realtime: { transport: ws as never },
  });
  const wrong = await supabase.auth.signInWithPassword({ email: "customer@example.com", password: "not-the-password" });
  assert.equal(signInFailureMessage(wrong.error!), "That email and password do not match an account.");
  let error: Awaited<ReturnType<typeof supabase.auth.signInWithPassword>>["error"] = null;
  await overTheLimit(from, async () => {
    ({ error } = await supabase.auth.signInWithPassword({ email: "customer@example.com", password: DEMO_PASSWORD }));
    return { status: error?.status ?? 200, body: error };
  });
  assert.deepEqual([error!.status, error!.code], [429, "over_request_rate_limit"]);
  assert.equal(signInFailureMessage(error!), "Too many attempts, try again in a minute.");
});

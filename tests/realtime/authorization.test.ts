// Private channels, authorized as Supabase does: SELECT policies on realtime.messages to join and
// receive, INSERT policies to send, per extension (broadcast, presence), evaluated under the
// caller's role and claims with realtime.topic(); tokens checked at join, on refresh and at expiry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db, env, signUp } from "../support/env.js";
import { addMember, closeClients, dropTestPolicies, Inbox, installTestPolicies, joined, rtClient, signedToken, subscribe, track, uniqueTopic, userToken } from "./support.js";

const sql = db();
before(() => installTestPolicies(sql));
after(async () => {
  await closeClients();
  await dropTestPolicies(sql);
  await sql.end();
});

/**
 * A client whose Realtime token comes from supabase-js's `accessToken` option. The client fetches
 * it asynchronously; like an app, wait for it before joining, or the join goes out with the key.
 */
async function clientWithToken(token: string) {
  const supabase = rtClient({ accessToken: async () => token });
  await supabase.realtime.setAuth();
  return { supabase };
}

const privateChannel = (supabase: ReturnType<typeof rtClient>, topic: string, config: Record<string, unknown> = {}) =>
  supabase.channel(topic, { config: { private: true, ...config } });

test("a signed token naming a role other than the API's cannot join a private topic, even one its user may read", async () => {
  const topic = uniqueTopic("roles");
  const alice = await signUp("customer", "rt-role");
  await addMember(sql, topic, alice.userId);
  for (const role of ["postgres", "supabase_admin", "made_up_role"]) {
    const r = await subscribe(privateChannel((await clientWithToken(userToken(alice.userId, 600, { role }))).supabase, topic));
    assert.equal(r.status, "CHANNEL_ERROR", role);
    assert.equal(r.err?.message, `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);
  }
  await joined(privateChannel((await clientWithToken(userToken(alice.userId, 600))).supabase, topic));
});

test("a signed-in member joins a private topic and receives; a non-member and the anon key are refused with Realtime's reason", async () => {
  const topic = uniqueTopic("members");
  const alice = await signUp("customer", "rt-alice");
  track(alice.supabase);
  const carolId = randomUUID();
  await addMember(sql, topic, alice.userId);
  await addMember(sql, topic, carolId);

  const inbox = new Inbox();
  await joined(alice.supabase.channel(topic, { config: { private: true } }).on("broadcast", { event: "*" }, inbox.push));

  const refusal = `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;
  const bob = await subscribe(privateChannel((await clientWithToken(userToken(randomUUID(), 600))).supabase, topic));
  assert.equal(bob.status, "CHANNEL_ERROR");
  assert.equal(bob.err?.message, refusal);
  const anon = await subscribe(privateChannel(rtClient(), topic));
  assert.equal(anon.status, "CHANNEL_ERROR");
  assert.equal(anon.err?.message, refusal);

  const carol = privateChannel((await clientWithToken(userToken(carolId, 600))).supabase, topic);
  await joined(carol);
  await carol.send({ type: "broadcast", event: "hello", payload: { from: "carol" } });
  await inbox.count(1);
  assert.deepEqual(inbox.items[0], { type: "broadcast", event: "hello", payload: { from: "carol" } });

  // The service role bypasses RLS, as on Supabase.
  await joined(privateChannel(rtClient({ key: env.serviceRoleKey }), topic));
});

test("the public and private channels of one name are separate rooms", async () => {
  const topic = uniqueTopic("rooms");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const publicInbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, publicInbox.push));
  const priv = privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic, { broadcast: { ack: true } });
  await joined(priv);
  const pub = rtClient().channel(topic);
  await joined(pub);
  // Acknowledged: the server has fanned it out before the public message is sent.
  assert.equal(await priv.send({ type: "broadcast", event: "secret", payload: {} }), "ok");
  await pub.send({ type: "broadcast", event: "open", payload: {} });
  await publicInbox.count(1);
  assert.deepEqual(publicInbox.items.map((x) => x.event), ["open"]);
});

test("sending needs the INSERT policy: a read-only member's broadcast is dropped without an ack", async () => {
  const topic = uniqueTopic("readonly");
  const [readerId, writerId] = [randomUUID(), randomUUID()];
  await addMember(sql, topic, readerId, { canWrite: false });
  await addMember(sql, topic, writerId);
  const inbox = new Inbox();
  const writer = privateChannel((await clientWithToken(userToken(writerId, 600))).supabase, topic).on("broadcast", { event: "*" }, inbox.push);
  await joined(writer);
  const reader = privateChannel((await clientWithToken(userToken(readerId, 600))).supabase, topic, { broadcast: { ack: true } });
  await joined(reader);
  assert.equal(await reader.send({ type: "broadcast", event: "not-allowed", payload: {} }, { timeout: 1000 }), "timed out");
  const other = privateChannel((await clientWithToken(userToken(writerId, 600))).supabase, topic, { broadcast: { ack: true } });
  await joined(other);
  assert.equal(await other.send({ type: "broadcast", event: "allowed", payload: {} }), "ok");
  await inbox.count(1);
  assert.deepEqual(inbox.items.map((x) => x.event), ["allowed"]);
});

test("presence and broadcast are authorized separately (the extension column)", async () => {
  const topic = uniqueTopic("extensions");
  const [fullId, presenceOnlyId, broadcastOnlyId] = [randomUUID(), randomUUID(), randomUUID()];
  await addMember(sql, topic, fullId);
  await addMember(sql, topic, presenceOnlyId, { extensions: ["presence"] });
  await addMember(sql, topic, broadcastOnlyId, { extensions: ["broadcast"] });
  const channelFor = async (id: string, key: string) =>
    privateChannel((await clientWithToken(userToken(id, 600))).supabase, topic, { presence: { key } });

  const seenByPresenceOnly = { broadcasts: new Inbox(), joins: new Inbox() };
  const presenceOnly = (await channelFor(presenceOnlyId, "p"))
    .on("broadcast", { event: "*" }, seenByPresenceOnly.broadcasts.push)
    .on("presence", { event: "join" }, seenByPresenceOnly.joins.push);
  await joined(presenceOnly);
  const broadcastOnlyJoins = new Inbox();
  const broadcastOnly = (await channelFor(broadcastOnlyId, "b")).on("presence", { event: "join" }, broadcastOnlyJoins.push);
  await joined(broadcastOnly);
  const full = await channelFor(fullId, "f");
  await joined(full);

  // The full member broadcasts, then tracks: the presence-only member sees the track, never the broadcast.
  await full.send({ type: "broadcast", event: "hello", payload: {} });
  assert.equal(await full.track({ online: true }), "ok");
  await seenByPresenceOnly.joins.until((j) => j.some((x) => x.key === "f"));
  assert.equal(seenByPresenceOnly.broadcasts.items.length, 0);

  // Without presence rights a track is refused, and presence is not shown.
  assert.equal(await broadcastOnly.track({ online: true }), "error");
  assert.equal(await presenceOnly.track({ online: true }), "ok");
  await seenByPresenceOnly.joins.until((j) => j.some((x) => x.key === "p"));
  // A reply on the broadcast-only member's own connection comes after anything sent to it before.
  assert.equal(await broadcastOnly.track({ again: true }), "error");
  assert.equal(broadcastOnlyJoins.items.length, 0);
  assert.deepEqual(broadcastOnly.presenceState(), {});
});

test("HTTP broadcast to a private topic: members' messages arrive, others get 403 (single) or are dropped (batch)", async () => {
  const topic = uniqueTopic("http-private");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const inbox = new Inbox();
  await joined(privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic).on("broadcast", { event: "*" }, inbox.push));

  const stranger = privateChannel((await clientWithToken(userToken(randomUUID(), 600))).supabase, topic);
  await assert.rejects(stranger.httpSend("nope", { n: 1 }), /Unauthorized/);
  assert.equal(await stranger.send({ type: "broadcast", event: "nope-batch", payload: {} }), "ok", "the batch API answers 202 and drops it");

  const member = privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic);
  assert.deepEqual(await member.httpSend("yes", { n: 2 }), { success: true });
  assert.equal(await member.send({ type: "broadcast", event: "yes-batch", payload: { n: 3 } }), "ok");
  await inbox.count(2);
  assert.deepEqual(inbox.items.map((x) => x.event), ["yes", "yes-batch"]);
});

test("a write policy that fails decides nothing: that message is refused (HTTP: 422 'RLS policy error') and the next one asks again", async () => {
  const topic = uniqueTopic("faulty");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  await sql.unsafe(`
    create table rt_test.faulty (topic text primary key);
    grant select on rt_test.faulty to authenticated;
    create function rt_test.not_faulty(t text) returns boolean language plpgsql stable as $$
    begin
      if exists (select 1 from rt_test.faulty f where f.topic = t) then raise exception 'topic % is faulty', t; end if;
      return true;
    end $$;
    create policy "rt_test: faulty" on realtime.messages as restrictive for insert to authenticated
      with check (rt_test.not_faulty(realtime.topic()));
  `);
  try {
    await sql`insert into rt_test.faulty (topic) values (${topic})`;
    const inbox = new Inbox();
    await joined(privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic).on("broadcast", { event: "*" }, inbox.push));
    const sender = privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic, { broadcast: { ack: true } });
    await joined(sender);
    assert.equal(await sender.send({ type: "broadcast", event: "while-faulty", payload: {} }, { timeout: 1000 }), "timed out");
    assert.equal(await sender.track({ online: true }), "error");
    await assert.rejects(sender.httpSend("while-faulty-http", {}), { message: "RLS policy error" });
    // The batch API (send() on a channel that is not joined) drops the message and answers 202.
    const unjoined = privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic);
    assert.equal(await unjoined.send({ type: "broadcast", event: "while-faulty-batch", payload: {} }), "ok");

    await sql`delete from rt_test.faulty`;
    assert.equal(await sender.send({ type: "broadcast", event: "mended", payload: {} }), "ok");
    assert.equal(await sender.track({ online: true }), "ok");
    assert.deepEqual(await sender.httpSend("mended-http", {}), { success: true });
    assert.equal(await unjoined.send({ type: "broadcast", event: "mended-batch", payload: {} }), "ok");
    await inbox.count(3);
    assert.deepEqual(inbox.items.map((x) => x.event), ["mended", "mended-http", "mended-batch"]);
  } finally {
    await sql.unsafe(`
      drop policy if exists "rt_test: faulty" on realtime.messages;
      drop function if exists rt_test.not_faulty(text);
      drop table if exists rt_test.faulty;
    `);
  }
});

test("tokens at join: malformed, badly signed and expired tokens are refused with Realtime's reasons", async () => {
  const topic = uniqueTopic("tokens");
  const cases: Array<[string, string | RegExp]> = [
    ["not-a-token", "MalformedJWT: The token provided is not a valid JWT"],
    [signedToken({ sub: randomUUID(), role: "authenticated", exp: Math.floor(Date.now() / 1000) + 600 }, "another-secret"), "JwtSignatureError: Failed to validate JWT signature"],
    [userToken(randomUUID(), -30), /^InvalidJWTToken: Token has expired 3\d seconds ago$/],
    [signedToken({ sub: randomUUID(), role: "authenticated" }), "InvalidJWTToken: Fields `role` and `exp` are required in JWT"],
  ];
  for (const [token, reason] of cases) {
    const r = await subscribe((await clientWithToken(token)).supabase.channel(topic));
    assert.equal(r.status, "CHANNEL_ERROR", String(reason));
    if (typeof reason === "string") assert.equal(r.err?.message, reason);
    else assert.match(r.err?.message ?? "", reason);
  }
});

test("token refresh re-checks the policies: a token without read access closes the channel; a valid one keeps it", async () => {
  const topic = uniqueTopic("refresh");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const inbox = new Inbox();
  const system = new Inbox();
  const member = await clientWithToken(userToken(memberId, 600));
  const channel = privateChannel(member.supabase, topic).on("broadcast", { event: "*" }, inbox.push).on("system", {}, system.push);
  const log = await joined(channel);

  // A fresh token of the same member: the channel stays and keeps receiving.
  await member.supabase.realtime.setAuth(userToken(memberId, 900, { refreshed: true }));
  const sender = privateChannel((await clientWithToken(userToken(memberId, 600))).supabase, topic);
  await joined(sender);
  await sender.send({ type: "broadcast", event: "after-refresh", payload: {} });
  await inbox.count(1);

  // Someone else's token: no read access any more.
  await member.supabase.realtime.setAuth(userToken(randomUUID(), 600));
  await system.count(1);
  assert.deepEqual(system.items[0], {
    extension: "system",
    status: "error",
    message: `You do not have permissions to read from this Channel topic: ${topic}`,
    channel: topic,
  });
  await log.next(["CLOSED"], 1);
});

test("token refresh: a private channel keeps receiving while the new token's policies are checked", async () => {
  const topic = uniqueTopic("refresh-live");
  const [memberId, senderId] = [randomUUID(), randomUUID()];
  await addMember(sql, topic, memberId);
  await addMember(sql, topic, senderId);
  const inbox = new Inbox();
  const system = new Inbox();
  const member = await clientWithToken(userToken(memberId, 600));
  await joined(privateChannel(member.supabase, topic).on("broadcast", { event: "*" }, inbox.push).on("system", {}, system.push));
  const sender = privateChannel((await clientWithToken(userToken(senderId, 600))).supabase, topic, { broadcast: { ack: true } });
  await joined(sender);
  // The sender's INSERT policy is checked by its first message and then kept.
  assert.equal(await sender.send({ type: "broadcast", event: "before", payload: {} }), "ok");
  await inbox.count(1);

  // The re-check waits on a lock held here while the sender goes on sending.
  const lock = await sql.reserve();
  try {
    await lock`begin`;
    await lock`lock table realtime.messages in share mode`;
    await member.supabase.realtime.setAuth(userToken(memberId, 900, { refreshed: true }));
    for (let waiting = 0; waiting === 0; ) {
      [{ waiting }] = await sql<[{ waiting: number }]>`select count(*)::int as waiting from pg_stat_activity
                                                        where wait_event_type = 'Lock' and query ilike 'insert into realtime.messages%'`;
    }
    assert.equal(await sender.send({ type: "broadcast", event: "during", payload: {} }), "ok");
    await inbox.count(2);
  } finally {
    await lock`rollback`;
    lock.release();
  }
  assert.equal(await sender.send({ type: "broadcast", event: "after", payload: {} }), "ok");
  await inbox.count(3);
  assert.deepEqual(inbox.items.map((x) => x.event), ["before", "during", "after"]);
  assert.equal(system.items.length, 0);
});

test("token refresh: losing one of the read rights is Realtime's 'no longer have permission'", async () => {
  const topic = uniqueTopic("revoked");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const system = new Inbox();
  const member = await clientWithToken(userToken(memberId, 600));
  const channel = privateChannel(member.supabase, topic, { presence: { enabled: true } }).on("system", {}, system.push);
  const log = await joined(channel);
  await sql`update rt_test.members set extensions = '{presence}' where topic = ${topic}`;
  await member.supabase.realtime.setAuth(userToken(memberId, 900, { refreshed: true }));
  await system.count(1);
  assert.equal(system.items[0].message, `You no longer have permission to read from this Channel topic: ${topic}`);
  await log.next(["CLOSED"], 1);
});

test("token refresh with a token Realtime cannot verify closes the channel with Realtime's message", async () => {
  const topic = uniqueTopic("refresh-bad");
  const claims = { sub: randomUUID(), role: "authenticated", exp: Math.floor(Date.now() / 1000) + 600 };
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const cases: Array<[string, string]> = [
    ["not-a-token", "The token provided is not a valid JWT"],
    [signedToken(claims, "another-secret"), ":signature_error"],
    // Realtime has no signer for an algorithm the project has no key for, and says so in Elixir.
    [`${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`, ":error_generating_signer"],
    [signedToken({ sub: randomUUID(), role: "authenticated" }), "Fields `role` and `exp` are required in JWT"],
  ];
  for (const [token, message] of cases) {
    const system = new Inbox();
    const c = await clientWithToken(userToken(randomUUID(), 600));
    const log = await joined(c.supabase.channel(topic).on("system", {}, system.push));
    await c.supabase.realtime.setAuth(token);
    await system.count(1);
    assert.deepEqual(system.items[0], { extension: "system", status: "error", message, channel: topic });
    await log.next(["CLOSED"], 1);
  }
});

test("token refresh with an expired token, and a token that expires while joined, close the channel", async () => {
  const topic = uniqueTopic("expiry");
  const systemA = new Inbox();
  const a = await clientWithToken(userToken(randomUUID(), 600));
  const logA = await joined(a.supabase.channel(topic).on("system", {}, systemA.push));
  await a.supabase.realtime.setAuth(userToken(randomUUID(), -5));
  await systemA.count(1);
  assert.match(systemA.items[0].message, /^Token has expired [5-9] seconds ago$/);
  await logA.next(["CLOSED"], 1);

  const systemB = new Inbox();
  const b = await clientWithToken(userToken(randomUUID(), 2));
  const logB = await joined(b.supabase.channel(topic).on("system", {}, systemB.push));
  await systemB.count(1, 6_000);
  assert.deepEqual({ ...systemB.items[0], message: undefined }, { extension: "system", status: "error", message: undefined, channel: topic });
  assert.match(systemB.items[0].message, /^Token has expired [0-2] seconds ago$/, "closed when it expires, not later");
  await logB.next(["CLOSED"], 1);
});

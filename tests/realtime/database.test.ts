// Broadcast from the database: realtime.send() and realtime.broadcast_changes() with Supabase's
// signatures, delivered to the topic's authorized subscribers once the transaction commits, and
// never for one that rolls back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db, env } from "../support/env.js";
import { addMember, closeClients, dropTestPolicies, Inbox, installTestPolicies, joined, rtClient, sleep, subscribe, uniqueTopic, userToken } from "./support.js";

const sql = db();
before(async () => {
  await installTestPolicies(sql);
  await sql.unsafe(`
    create table rt_test.orders (id uuid primary key, status text not null);
    create function rt_test.orders_broadcast() returns trigger
    language plpgsql security definer set search_path = '' as $$
    begin
      perform realtime.broadcast_changes('orders:' || coalesce(new.id, old.id), tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
      return null;
    end $$;
    create trigger orders_broadcast after insert or update or delete on rt_test.orders
      for each row execute function rt_test.orders_broadcast();
  `);
});
after(async () => {
  await closeClients();
  await dropTestPolicies(sql);
  await sql.end();
});

async function memberChannel(topic: string, inbox: Inbox) {
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const supabase = rtClient({ accessToken: async () => userToken(memberId, 600) });
  await supabase.realtime.setAuth();
  const channel = supabase.channel(topic, { config: { private: true } }).on("broadcast", { event: "*" }, inbox.push);
  await joined(channel);
  return channel;
}

test("the bootstrap has Supabase's realtime.messages, realtime.topic(), realtime.send() and realtime.broadcast_changes()", async () => {
  const columns = await sql`select column_name, data_type from information_schema.columns
                            where table_schema = 'realtime' and table_name = 'messages' order by ordinal_position`;
  assert.deepEqual(
    columns.map((c) => `${c.column_name} ${c.data_type}`),
    ["topic text", "extension text", "payload jsonb", "event text", "private boolean", "updated_at timestamp without time zone", "inserted_at timestamp without time zone", "id uuid"],
  );
  // RLS on, and no policy of the bootstrap's own: every one there is the project's (migrations).
  const [rls] = await sql`select relrowsecurity, (select coalesce(array_agg(polname::text order by polname), '{}') from pg_policy
                                                  where polrelid = c.oid and polname not like 'rt_test:%') as policies
                          from pg_class c where oid = 'realtime.messages'::regclass`;
  assert.deepEqual({ ...rls }, {
    relrowsecurity: true,
    policies: [
      "Members receive their conversations' topics",
      "Members send typing and presence to open conversations",
      "Order parties, store owners and riders receive their live feeds",
      "Users receive their own notifications topic",
    ],
  });
  const functions = await sql`select p.oid::regprocedure::text as signature from pg_proc p
                              where p.pronamespace = 'realtime'::regnamespace and p.proname in ('send', 'broadcast_changes', 'topic') order by 1`;
  assert.deepEqual(functions.map((f) => f.signature), [
    "realtime.broadcast_changes(text,text,text,text,text,record,record,text)",
    "realtime.send(jsonb,text,text,boolean)",
    "realtime.topic()",
  ]);
  for (const role of ["anon", "authenticated", "service_role"]) {
    const [r] = await sql`select has_function_privilege(${role}, 'realtime.send(jsonb,text,text,boolean)', 'execute') as send,
                                 has_function_privilege(${role}, 'realtime.broadcast_changes(text,text,text,text,text,record,record,text)', 'execute') as changes`;
    assert.deepEqual({ ...r }, { send: true, changes: true }, role);
  }
});

test("realtime.send() reaches public subscribers only after the transaction commits, with the message id as meta", async () => {
  const topic = uniqueTopic("db-public");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push));
  const tx = await sql.reserve();
  try {
    await tx`begin`;
    await tx`select realtime.send(${sql.json({ status: "accepted" })}, 'order_status', ${topic}, false)`;
    await sleep(300);
    assert.equal(inbox.items.length, 0, "nothing before the commit");
    await tx`commit`;
  } finally {
    tx.release();
  }
  await inbox.count(1);
  const m = inbox.items[0];
  assert.equal(m.type, "broadcast");
  assert.equal(m.event, "order_status");
  assert.equal(m.payload.status, "accepted");
  assert.match(m.payload.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(m.meta, { id: m.payload.id });
  const [row] = await sql`select topic, extension, event, private from realtime.messages where id = ${m.meta.id}`;
  assert.deepEqual({ ...row }, { topic, extension: "broadcast", event: "order_status", private: false });
});

test("broadcast.replication_ready: a system event says database broadcasts are flowing, then they arrive", async () => {
  const topic = uniqueTopic("db-ready");
  const inbox = new Inbox();
  const system = new Inbox();
  const channel = rtClient()
    .channel(topic, { config: { broadcast: { replication_ready: true } } })
    .on("broadcast", { event: "*" }, inbox.push)
    .on("system", {}, system.push);
  await joined(channel);
  await system.count(1);
  assert.deepEqual(system.items[0], { extension: "system", status: "ok", message: "Replication connection established", channel: topic });
  await sql`select realtime.send(${sql.json({ n: 1 })}, 'ready', ${topic}, false)`;
  await inbox.count(1);
  assert.deepEqual(inbox.items.map((x) => x.event), ["ready"]);
});

test("a rolled-back realtime.send() never arrives: the next committed message is the first one delivered", async () => {
  const topic = uniqueTopic("db-rollback");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push));
  await sql
    .begin(async (tx) => {
      await tx`select realtime.send(${sql.json({ n: 1 })}, 'rolled_back', ${topic}, false)`;
      throw new Error("roll back");
    })
    .catch(() => {});
  await sql`select realtime.send(${sql.json({ n: 2 })}, 'committed', ${topic}, false)`;
  // Notifications arrive in commit order: a rolled-back message would have come first.
  await inbox.count(1);
  assert.deepEqual(inbox.items.map((x) => x.event), ["committed"]);
});

test("messages committed while the server's listening connection is away arrive once it is back, each once", async () => {
  const topic = uniqueTopic("db-gap");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push));
  const send = (n: number, db: typeof sql = sql) => db`select realtime.send(${sql.json({ n })}, 'tick', ${topic}, false)`;
  await send(0);
  await inbox.count(1);

  // A transaction that starts before the cut and commits during it: its message is stamped earlier.
  const tx = await sql.reserve();
  try {
    await tx`begin`;
    await send(1, tx);
    const cut = await sql`select pg_terminate_backend(pid) from pg_stat_activity
                          where backend_type = 'client backend' and query = 'listen "realtime:local_messages"'`;
    assert.equal(cut.length, 1, "the server listens on one connection");
    await tx`commit`;
  } finally {
    tx.release();
  }
  for (let n = 2; n <= 9; n++) await send(n);
  await inbox.count(10, 30_000);
  // Once back, the NOTIFY path carries on, and nothing comes twice.
  await send(10);
  await inbox.count(11, 10_000);
  await sleep(1_000);
  const received = inbox.items.map((m) => m.payload.n as number);
  assert.deepEqual([...received].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `received ${received.join(",")}`);
});

test("private by default: only the private topic's members with broadcast read access receive it", async () => {
  const topic = uniqueTopic("db-private");
  const member = new Inbox();
  const memberChannelOnTopic = await memberChannel(topic, member);
  const presenceOnlyId = randomUUID();
  await addMember(sql, topic, presenceOnlyId, { extensions: ["presence"] });
  const presenceOnly = new Inbox();
  const presenceJoins = new Inbox();
  const presenceClient = rtClient({ accessToken: async () => userToken(presenceOnlyId, 600) });
  await presenceClient.realtime.setAuth();
  await joined(presenceClient.channel(topic, { config: { private: true, presence: { enabled: true } } }).on("broadcast", { event: "*" }, presenceOnly.push).on("presence", { event: "join" }, presenceJoins.push));
  const publicInbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, publicInbox.push));

  await sql`select realtime.send(${sql.json({ secret: true })}, 'private_event', ${topic})`;
  await sql`select realtime.send(${sql.json({ secret: false })}, 'public_event', ${topic}, false)`;
  await member.count(1);
  await publicInbox.count(1);
  assert.deepEqual(member.items.map((x) => x.event), ["private_event"]);
  assert.deepEqual(publicInbox.items.map((x) => x.event), ["public_event"]);
  // The member's track reaches the presence-only member after anything sent to it before.
  await memberChannelOnTopic.track({ here: true });
  await presenceJoins.count(1);
  assert.equal(presenceOnly.items.length, 0);
});

test("realtime.broadcast_changes() from a row trigger sends INSERT, UPDATE and DELETE with the records", async () => {
  const id = randomUUID();
  const topic = `orders:${id}`;
  const inbox = new Inbox();
  await memberChannel(topic, inbox);
  await sql`insert into rt_test.orders (id, status) values (${id}, 'pending')`;
  await sql`update rt_test.orders set status = 'accepted' where id = ${id}`;
  await sql`delete from rt_test.orders where id = ${id}`;
  await inbox.count(3);
  assert.deepEqual(inbox.items.map((x) => [x.event, x.payload.operation, x.payload.record?.status ?? null, x.payload.old_record?.status ?? null]), [
    ["INSERT", "INSERT", "pending", null],
    ["UPDATE", "UPDATE", "accepted", "pending"],
    ["DELETE", "DELETE", null, "accepted"],
  ]);
  for (const m of inbox.items) {
    assert.equal(m.payload.table, "orders");
    assert.equal(m.payload.schema, "rt_test");
    assert.deepEqual(m.meta, { id: m.payload.id });
  }
});

test("large messages arrive whole and in commit order; one over the payload limit is dropped", async () => {
  const topic = uniqueTopic("db-large");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push));
  const large = "ॐ".repeat(40_000);
  await sql.begin(async (tx) => {
    await tx`select realtime.send(${sql.json({ large })}, 'first', ${topic}, false)`;
    await tx`select realtime.send(${sql.json({ small: 1 })}, 'second', ${topic}, false)`;
  });
  await sql`select realtime.send(${sql.json({ huge: "x".repeat(3_001_000) })}, 'too_big', ${topic}, false)`;
  await sql`select realtime.send(${sql.json({ small: 2 })}, 'third', ${topic}, false)`;
  await inbox.count(3);
  assert.deepEqual(inbox.items.map((x) => x.event), ["first", "second", "third"]);
  assert.equal(inbox.items[0].payload.large, large);
});

test("realtime.send() runs as its caller, as on Supabase: without an INSERT policy it only warns and sends nothing", async () => {
  const topic = uniqueTopic("db-invoker");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push));
  const warnings: string[] = [];
  const asUser = (await import("postgres")).default(env.dbUrl, { max: 1, onnotice: (n) => warnings.push(String(n.message)) });
  try {
    await asUser.begin(async (tx) => {
      await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ sub: randomUUID(), role: "authenticated" })}, true)`;
      await tx`select realtime.send(${sql.json({ n: 1 })}, 'as_user', ${topic}, false)`;
    });
  } finally {
    await asUser.end();
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^WarnSendingBroadcastMessage: new row violates row-level security policy/);
  await sql`select realtime.send(${sql.json({ n: 2 })}, 'as_owner', ${topic}, false)`;
  await inbox.count(1);
  assert.deepEqual(inbox.items.map((x) => x.event), ["as_owner"]);
});

test("broadcast.replay: a member joining a private topic first gets the latest stored messages, marked replayed", async () => {
  const topic = uniqueTopic("db-replay");
  const memberId = randomUUID();
  await addMember(sql, topic, memberId);
  const since = Date.now() - 1000;
  for (const n of [1, 2, 3]) await sql`select realtime.send(${sql.json({ n })}, 'stored', ${topic})`;
  const inbox = new Inbox();
  const supabase = rtClient({ accessToken: async () => userToken(memberId, 600) });
  await supabase.realtime.setAuth();
  await joined(supabase.channel(topic, { config: { private: true, broadcast: { replay: { since, limit: 2 } } } }).on("broadcast", { event: "*" }, inbox.push));
  await sql`select realtime.send(${sql.json({ n: 4 })}, 'live', ${topic})`;
  await inbox.count(3);
  assert.deepEqual(inbox.items.map((m) => [m.event, m.payload.n, m.meta.replayed ?? false]), [
    ["stored", 2, true],
    ["stored", 3, true],
    ["live", 4, false],
  ]);

  // Realtime's refusal of replay parameters it cannot read.
  const other = uniqueTopic("db-replay-params");
  await addMember(sql, other, memberId);
  const invalid = await subscribe(supabase.channel(other, { config: { private: true, broadcast: { replay: { since: "yesterday" as never } } } }));
  assert.equal(invalid.status, "CHANNEL_ERROR");
  assert.equal(invalid.err?.message, "UnableToReplayMessages: Replay params are not valid");
});

// Broadcast between clients (self, ack, both protocol versions, binary payloads), the HTTP
// broadcast API that realtime-js falls back to, and Realtime's limits: payload size and rate.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { env } from "../support/env.js";
import { closeClients, Inbox, joined, rtClient, uniqueTopic } from "./support.js";

after(closeClients);

test("self: a sender gets its own broadcast only with broadcast.self; everyone else on the topic gets it", async () => {
  const topic = uniqueTopic("self");
  const [inA, inB] = [new Inbox(), new Inbox()];
  const a = rtClient().channel(topic, { config: { broadcast: { self: true } } }).on("broadcast", { event: "*" }, inA.push);
  const b = rtClient().channel(topic).on("broadcast", { event: "*" }, inB.push);
  await joined(a);
  await joined(b);

  assert.equal(await a.send({ type: "broadcast", event: "from-a", payload: { n: 1 } }), "ok");
  await inA.until((m) => m.some((x) => x.event === "from-a"));
  await inB.until((m) => m.some((x) => x.event === "from-a"));
  assert.deepEqual(inB.items[0], { type: "broadcast", event: "from-a", payload: { n: 1 } });

  // B does not hear itself: its own message would reach it before A's later one.
  await b.send({ type: "broadcast", event: "from-b", payload: { n: 2 } });
  await inA.until((m) => m.some((x) => x.event === "from-b"));
  await a.send({ type: "broadcast", event: "marker", payload: {} });
  await inB.until((m) => m.some((x) => x.event === "marker"));
  assert.deepEqual(inB.items.map((x) => x.event), ["from-a", "marker"]);
});

test("ack: with broadcast.ack the send resolves once the server has taken the message", async () => {
  const topic = uniqueTopic("ack");
  const inbox = new Inbox();
  const receiver = rtClient().channel(topic).on("broadcast", { event: "e" }, inbox.push);
  const sender = rtClient().channel(topic, { config: { broadcast: { ack: true } } });
  await joined(receiver);
  await joined(sender);
  const results = await Promise.all([1, 2, 3].map((n) => sender.send({ type: "broadcast", event: "e", payload: { n } })));
  assert.deepEqual(results, ["ok", "ok", "ok"]);
  await inbox.count(3);
  assert.deepEqual(inbox.items.map((x) => x.payload.n), [1, 2, 3], "in the order sent");
});

test("vsn 1.0.0 and 2.0.0 clients broadcast to each other on one topic", async () => {
  const topic = uniqueTopic("vsn");
  const [in1, in2] = [new Inbox(), new Inbox()];
  const v1 = rtClient({ vsn: "1.0.0" }).channel(topic).on("broadcast", { event: "*" }, in1.push);
  const v2 = rtClient({ vsn: "2.0.0" }).channel(topic).on("broadcast", { event: "*" }, in2.push);
  await joined(v1);
  await joined(v2);
  await v1.send({ type: "broadcast", event: "from-v1", payload: { text: "नमस्ते" } });
  await v2.send({ type: "broadcast", event: "from-v2", payload: { text: "hello" } });
  await in2.count(1);
  await in1.count(1);
  assert.deepEqual(in2.items[0], { type: "broadcast", event: "from-v1", payload: { text: "नमस्ते" } });
  assert.deepEqual(in1.items[0], { type: "broadcast", event: "from-v2", payload: { text: "hello" } });
});

test("a binary payload travels as bytes between vsn 2.0.0 clients", async () => {
  const topic = uniqueTopic("binary");
  const inbox = new Inbox();
  const receiver = rtClient().channel(topic).on("broadcast", { event: "blob" }, inbox.push);
  const sender = rtClient().channel(topic, { config: { broadcast: { ack: true } } });
  await joined(receiver);
  await joined(sender);
  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  assert.equal(await sender.send({ type: "broadcast", event: "blob", payload: bytes.buffer }), "ok");
  await inbox.count(1);
  assert.ok(inbox.items[0].payload instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(inbox.items[0].payload)], [...bytes]);
});

test("HTTP: send() on a channel that is not joined goes through POST /realtime/v1/api/broadcast and arrives", async () => {
  const topic = uniqueTopic("rest");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "rest" }, inbox.push));
  const unjoined = rtClient().channel(topic);
  assert.equal(await unjoined.send({ type: "broadcast", event: "rest", payload: { via: "http" } }), "ok");
  await inbox.count(1);
  assert.deepEqual(inbox.items[0], { type: "broadcast", event: "rest", payload: { via: "http" } });
});

test("HTTP: httpSend() posts to /api/broadcast/<topic>/events/<event> and gets a 202", async () => {
  const topic = uniqueTopic("single");
  const inbox = new Inbox();
  await joined(rtClient().channel(topic).on("broadcast", { event: "one" }, inbox.push));
  const sender = rtClient().channel(topic);
  assert.deepEqual(await sender.httpSend("one", { via: "httpSend" }), { success: true });
  await inbox.count(1);
  assert.deepEqual(inbox.items[0], { type: "broadcast", event: "one", payload: { via: "httpSend" } });
});

test("HTTP: the broadcast API refuses a wrong key and an invalid batch as Supabase does", async () => {
  const url = `${env.apiUrl}/realtime/v1/api/broadcast`;
  const badKey = await fetch(url, { method: "POST", headers: { apikey: "nope", "content-type": "application/json" }, body: "{}" });
  assert.equal(badKey.status, 401);
  assert.equal((await badKey.json()).message, "Invalid API key");
  const badToken = await fetch(url, {
    method: "POST",
    headers: { apikey: env.anonKey, authorization: "Bearer not.a.token", "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ topic: "t", event: "e", payload: {} }] }),
  });
  assert.equal(badToken.status, 401);
  assert.deepEqual(await badToken.json(), { message: "Unauthorized" });
  const invalid = await fetch(url, {
    method: "POST",
    headers: { apikey: env.anonKey, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ topic: "t", event: "e", payload: {} }, { topic: "t", payload: "text" }] }),
  });
  assert.equal(invalid.status, 422);
  assert.deepEqual(await invalid.json(), { errors: { messages: [{}, { event: ["can't be blank"], payload: ["is invalid"] }] } });
  const media = await fetch(`${url}/t/events/e`, { method: "POST", headers: { apikey: env.anonKey, "content-type": "text/plain" }, body: "x" });
  assert.equal(media.status, 415);
});

test("limit: a payload over Realtime's 3,000 KB is refused (ack gets an error) and never delivered", async () => {
  const topic = uniqueTopic("big");
  const inbox = new Inbox();
  const receiver = rtClient().channel(topic).on("broadcast", { event: "*" }, inbox.push);
  const sender = rtClient().channel(topic, { config: { broadcast: { ack: true } } });
  await joined(receiver);
  await joined(sender);
  const big = "x".repeat(3_000 * 1000 + 600);
  assert.equal(await sender.send({ type: "broadcast", event: "big", payload: { big } }), "error");
  const fits = "x".repeat(2_900 * 1000);
  assert.equal(await sender.send({ type: "broadcast", event: "fits", payload: { fits } }), "ok");
  await inbox.count(1);
  assert.deepEqual(inbox.items.map((x) => x.event), ["fits"], "the oversized message was dropped, the next one delivered");
});

test("limit: a connection sending more than 100 messages a second gets Realtime's system error and its channels close", async () => {
  const topic = uniqueTopic("rate");
  const system = new Inbox();
  const channel = rtClient().channel(topic).on("system", {}, system.push);
  const log = await joined(channel);
  for (let i = 0; i < 150; i++) void channel.send({ type: "broadcast", event: "flood", payload: { i } });
  await system.count(1);
  assert.deepEqual(system.items[0], { extension: "system", status: "error", message: "Too many messages per second", channel: topic });
  await log.next(["CLOSED"], 1);
});

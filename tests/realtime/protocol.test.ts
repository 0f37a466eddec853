// The wire protocol and channel lifecycle: what realtime-js sends and what Supabase Realtime answers,
// frame by frame (raw WebSocket) and as the unmodified client reports it (status callbacks).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { env } from "../support/env.js";
import { randomUUID } from "node:crypto";
import { closeClients, Inbox, joined, rtClient, subscribe, uniqueTopic, userToken } from "./support.js";

after(closeClients);

const wsUrl = (query: string) => `${env.apiUrl.replace(/^http/, "ws")}/realtime/v1/websocket?${query}`;

/** A bare socket speaking the protocol by hand; frames arrive parsed (text) or as Buffers (binary). */
async function rawSocket(query: string) {
  const frames = new Inbox<any>();
  const socket = new WebSocket(wsUrl(query));
  socket.on("message", (data, isBinary) => frames.push(isBinary ? data : JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, frames, send: (frame: unknown) => socket.send(JSON.stringify(frame)) };
}

/** The HTTP answer to an upgrade the server refuses. */
function refusedUpgrade(query: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(query));
    socket.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.on("open", () => reject(new Error("the upgrade was accepted")));
    socket.on("error", () => {});
  });
}

const joinPayload = (extra: Record<string, unknown> = {}) => ({
  config: { broadcast: { ack: false, self: false }, presence: { key: "", enabled: false }, postgres_changes: [], private: false },
  access_token: env.anonKey,
  ...extra,
});

test("vsn 2.0.0: join, heartbeat and leave get Supabase's array replies; an unjoined topic is an unmatched topic", async () => {
  const { socket, frames, send } = await rawSocket(`apikey=${env.anonKey}&vsn=2.0.0`);
  const topic = `realtime:${uniqueTopic("raw")}`;
  send(["1", "1", topic, "phx_join", joinPayload()]);
  await frames.count(1);
  assert.deepEqual(frames.items[0], ["1", "1", topic, "phx_reply", { status: "ok", response: { postgres_changes: [] } }]);

  send([null, "2", "phoenix", "heartbeat", {}]);
  await frames.count(2);
  assert.deepEqual(frames.items[1], [null, "2", "phoenix", "phx_reply", { status: "ok", response: {} }]);

  send([null, "3", "realtime:not-joined", "broadcast", { type: "broadcast", event: "x", payload: {} }]);
  await frames.count(3);
  assert.deepEqual(frames.items[2], [null, "3", "realtime:not-joined", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);

  send(["1", "4", topic, "phx_leave", {}]);
  await frames.count(5);
  assert.deepEqual(frames.items[3], ["1", "4", topic, "phx_reply", { status: "ok", response: {} }]);
  assert.deepEqual(frames.items[4], ["1", "1", topic, "phx_close", {}]);
  socket.close();
});

test("vsn 1.0.0: JSON object frames, the same replies", async () => {
  const { socket, frames, send } = await rawSocket(`apikey=${env.anonKey}&vsn=1.0.0`);
  const topic = `realtime:${uniqueTopic("raw1")}`;
  send({ topic, event: "phx_join", payload: joinPayload(), ref: "1" });
  await frames.count(1);
  assert.deepEqual(frames.items[0], { topic, event: "phx_reply", payload: { status: "ok", response: { postgres_changes: [] } }, ref: "1" });
  send({ topic: "phoenix", event: "heartbeat", payload: {}, ref: "2" });
  await frames.count(2);
  assert.deepEqual(frames.items[1], { topic: "phoenix", event: "phx_reply", payload: { status: "ok", response: {} }, ref: "2" });
  socket.close();
});

test("a second join of a joined topic closes the first (phx_close with its join ref), as Phoenix does", async () => {
  const { socket, frames, send } = await rawSocket(`apikey=${env.anonKey}&vsn=2.0.0`);
  const topic = `realtime:${uniqueTopic("dup")}`;
  send(["1", "1", topic, "phx_join", joinPayload()]);
  await frames.count(1);
  send(["2", "2", topic, "phx_join", joinPayload()]);
  await frames.count(3);
  assert.deepEqual(frames.items[1], ["1", "1", topic, "phx_close", {}]);
  assert.deepEqual(frames.items[2], ["2", "2", topic, "phx_reply", { status: "ok", response: { postgres_changes: [] } }]);
  socket.close();
});

test("every key the stack prints is accepted; a missing or wrong key, or a user's token, is refused as the API gateway does", async () => {
  for (const key of [env.anonKey, env.serviceRoleKey, env.publishableKey, env.secretKey]) {
    const { socket } = await rawSocket(`apikey=${encodeURIComponent(key)}&vsn=2.0.0`);
    socket.close();
  }
  const missing = await refusedUpgrade("vsn=2.0.0");
  assert.equal(missing.status, 401);
  assert.equal(JSON.parse(missing.body).message, "No API key found in request");
  for (const bad of ["sb_publishable_not-a-key", "not-a-jwt", `${env.anonKey.slice(0, -4)}AAAA`, userToken(randomUUID(), 600)]) {
    const r = await refusedUpgrade(`apikey=${encodeURIComponent(bad)}&vsn=2.0.0`);
    assert.equal(r.status, 401, bad);
    assert.deepEqual(JSON.parse(r.body), { message: "Invalid API key", hint: "Double check your Supabase `apikey`" });
  }
  const badVersion = await refusedUpgrade(`apikey=${env.anonKey}&vsn=3.0.0`);
  assert.equal(badVersion.status, 403);
});

test("status callbacks: SUBSCRIBED, then CLOSED on unsubscribe", async () => {
  const supabase = rtClient();
  const channel = supabase.channel(uniqueTopic("status"));
  const log = await joined(channel);
  assert.equal(await channel.unsubscribe(), "ok");
  await log.next(["CLOSED"], 1);
  assert.deepEqual(log.seen.map((s) => s.status), ["SUBSCRIBED", "CLOSED"]);
});

test("status callbacks: CHANNEL_ERROR with Realtime's reason for a refused join", async () => {
  const supabase = rtClient();
  const r = await subscribe(supabase.channel(""));
  assert.equal(r.status, "CHANNEL_ERROR");
  assert.equal(r.err?.message, "TopicNameRequired: You must provide a topic name");
});

test("status callbacks: TIMED_OUT when the join reply comes later than the client waits", async () => {
  // A refused join is answered only after Realtime's back-off; a client waiting less times out.
  const supabase = rtClient();
  const r = await subscribe(supabase.channel(""), 20);
  assert.equal(r.status, "TIMED_OUT");
});

test("a postgres_changes binding is acknowledged, then a system event says the local server does not serve it", async () => {
  const supabase = rtClient();
  const system = new Inbox();
  const channel = supabase
    .channel(uniqueTopic("pgchanges"))
    .on("postgres_changes", { event: "*", schema: "public", table: "stores" }, () => {})
    .on("system", {}, system.push);
  await joined(channel);
  await system.count(1);
  assert.equal(system.items[0].extension, "postgres_changes");
  assert.equal(system.items[0].status, "error");
  assert.match(system.items[0].message, /broadcast_changes/);
});

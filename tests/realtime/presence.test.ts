// Presence: presence_state on join, presence_diff on track, re-track, untrack and departure, as
// realtime-js turns them into its sync, join and leave events and presenceState().
import { test, after } from "node:test";
import assert from "node:assert/strict";
import type { RealtimeChannel } from "@supabase/supabase-js";
import { closeClients, Inbox, joined, rtClient, uniqueTopic } from "./support.js";

after(closeClients);

/** A channel with presence listeners whose events land in one inbox, in order. */
function watched(topic: string, key: string, vsn?: "1.0.0" | "2.0.0") {
  const events = new Inbox<{ event: string; key?: string; payload?: any }>();
  const supabase = rtClient({ vsn });
  const channel: RealtimeChannel = supabase
    .channel(topic, { config: { presence: { key } } })
    .on("presence", { event: "sync" }, () => events.push({ event: "sync" }))
    .on("presence", { event: "join" }, (p) => events.push({ event: "join", key: p.key, payload: p }))
    .on("presence", { event: "leave" }, (p) => events.push({ event: "leave", key: p.key, payload: p }));
  return { supabase, channel, events };
}

const strip = (metas: Array<Record<string, unknown>>) => metas.map(({ presence_ref, ...rest }) => (assert.equal(typeof presence_ref, "string"), rest));

test("track: others get join and sync; a later joiner gets the state on join", async () => {
  const topic = uniqueTopic("presence");
  const alice = watched(topic, "alice");
  const bob = watched(topic, "bob");
  await joined(alice.channel);
  await joined(bob.channel);
  assert.equal(await alice.channel.track({ status: "online" }), "ok");

  await bob.events.until((e) => e.some((x) => x.event === "join" && x.key === "alice"));
  const join = bob.events.items.find((x) => x.event === "join")!.payload;
  assert.deepEqual(strip(join.newPresences), [{ status: "online" }]);
  assert.deepEqual(join.currentPresences, []);
  await bob.events.until((e) => e.at(-1)?.event === "sync");
  assert.deepEqual(Object.keys(bob.channel.presenceState()), ["alice"]);
  assert.deepEqual(strip(bob.channel.presenceState().alice!), [{ status: "online" }]);

  const carol = watched(topic, "carol");
  await joined(carol.channel);
  await carol.events.until((e) => e.some((x) => x.event === "sync"));
  assert.deepEqual(strip(carol.channel.presenceState().alice!), [{ status: "online" }]);
  assert.ok(carol.events.items.some((x) => x.event === "join" && x.key === "alice"), "presence_state reports alice as a join");
});

test("re-track replaces the meta (leave of the old, join of the new); untrack leaves", async () => {
  const topic = uniqueTopic("retrack");
  const alice = watched(topic, "alice");
  const bob = watched(topic, "bob");
  await joined(alice.channel);
  await joined(bob.channel);
  await alice.channel.track({ typing: false });
  await bob.events.until((e) => e.some((x) => x.event === "join"));
  const firstRef = bob.channel.presenceState().alice![0]!.presence_ref;

  await alice.channel.track({ typing: true });
  await bob.events.until((e) => e.some((x) => x.event === "leave"));
  const leave = bob.events.items.find((x) => x.event === "leave")!.payload;
  assert.deepEqual(strip(leave.leftPresences), [{ typing: false }]);
  await bob.events.until(() => (bob.channel.presenceState<{ typing: boolean }>().alice?.[0]?.typing === true));
  assert.equal(bob.channel.presenceState().alice!.length, 1);
  assert.notEqual(bob.channel.presenceState().alice![0]!.presence_ref, firstRef);

  assert.equal(await alice.channel.untrack(), "ok");
  await bob.events.until(() => !bob.channel.presenceState().alice);
  assert.deepEqual(bob.channel.presenceState(), {});
});

test("re-tracking an equal payload changes nothing, whatever the order of its keys", async () => {
  const topic = uniqueTopic("same");
  const alice = watched(topic, "alice");
  const bob = watched(topic, "bob");
  const markers = new Inbox();
  bob.channel.on("broadcast", { event: "marker" }, markers.push);
  await joined(alice.channel);
  await joined(bob.channel);
  assert.equal(await alice.channel.track({ status: "online", at: { lat: 18.5, lng: 73.8 } }), "ok");
  await bob.events.until(() => !!bob.channel.presenceState().alice);
  const ref = bob.channel.presenceState().alice![0]!.presence_ref;

  assert.equal(await alice.channel.track({ at: { lng: 73.8, lat: 18.5 }, status: "online" }), "ok");
  // A diff the re-track caused would reach bob before this later broadcast.
  await alice.channel.send({ type: "broadcast", event: "marker", payload: {} });
  await markers.count(1);
  assert.deepEqual(bob.events.items.filter((x) => x.event !== "sync").map((x) => `${x.event}:${x.key}`), ["join:alice"]);
  assert.equal(bob.channel.presenceState().alice![0]!.presence_ref, ref);
});

test("two connections under one key are two metas; one leaving leaves the other", async () => {
  const topic = uniqueTopic("twokeys");
  const phone = watched(topic, "user-1");
  const laptop = watched(topic, "user-1");
  const observer = watched(topic, "observer");
  for (const c of [phone, laptop, observer]) await joined(c.channel);
  await phone.channel.track({ device: "phone" });
  await laptop.channel.track({ device: "laptop" });
  await observer.events.until(() => observer.channel.presenceState()["user-1"]?.length === 2);
  assert.deepEqual(strip(observer.channel.presenceState()["user-1"]!).map((m) => m.device).sort(), ["laptop", "phone"]);

  await phone.supabase.removeAllChannels();
  await observer.events.until(() => observer.channel.presenceState()["user-1"]?.length === 1);
  assert.deepEqual(strip(observer.channel.presenceState()["user-1"]!), [{ device: "laptop" }]);
});

test("a client that disconnects leaves presence for everyone else", async () => {
  const topic = uniqueTopic("gone");
  const alice = watched(topic, "alice");
  const bob = watched(topic, "bob");
  await joined(alice.channel);
  await joined(bob.channel);
  await alice.channel.track({ here: true });
  await bob.events.until(() => !!bob.channel.presenceState().alice);
  await alice.supabase.realtime.disconnect();
  await bob.events.until((e) => e.some((x) => x.event === "leave" && x.key === "alice"));
  assert.deepEqual(bob.channel.presenceState(), {});
});

test("presence works the same for a vsn 1.0.0 client", async () => {
  const topic = uniqueTopic("presence-v1");
  const old = watched(topic, "old", "1.0.0");
  const current = watched(topic, "current", "2.0.0");
  await joined(old.channel);
  await joined(current.channel);
  await old.channel.track({ v: 1 });
  await current.channel.track({ v: 2 });
  for (const c of [old, current]) {
    await c.events.until(() => Object.keys(c.channel.presenceState()).length === 2);
    assert.deepEqual(strip(c.channel.presenceState().old!), [{ v: 1 }]);
    assert.deepEqual(strip(c.channel.presenceState().current!), [{ v: 2 }]);
  }
});

test("limits: an oversized track and more than 5 presence calls in 30 s close the channel with Realtime's messages", async () => {
  const topic = uniqueTopic("presence-limits");
  const system = new Inbox();
  const big = rtClient().channel(topic, { config: { presence: { key: "big" } } }).on("system", {}, system.push);
  const log = await joined(big);
  void big.track({ blob: "x".repeat(3_000 * 1000 + 600) });
  await system.count(1);
  assert.deepEqual(system.items[0], { extension: "system", status: "error", message: "Track message size exceeded", channel: topic });
  await log.next(["CLOSED"], 1);

  const chatty = new Inbox();
  const busy = rtClient().channel(uniqueTopic("presence-rate")).on("system", {}, chatty.push);
  const busyLog = await joined(busy);
  for (let i = 1; i <= 5; i++) assert.equal(await busy.track({ i }), "ok");
  void busy.track({ i: 6 });
  await chatty.count(1);
  assert.equal(chatty.items[0].message, "Client presence rate limit exceeded");
  await busyLog.next(["CLOSED"], 1);
});

// Live order tracking, through the app's OrderFeed and unmodified supabase-js clients: the
// database broadcasts new orders and status changes to the store's and the order's private
// topics and ready jobs to the jobs cell of their store; the assigned rider's report_location reaches
// order:<id> at every call and the order's history at most every 30 seconds; order_tracking
// gives a page opened later the last position and its age.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { followJobs, type JobFeed } from "../../app/src/lib/deliveries/shift.js";
import { OrderFeed, positionAgeSeconds, reportPositions, type OrderView } from "../../app/src/lib/tracking/order-feed.js";
import { db } from "../support/env.js";
import { FAR, makeReady, NEAR, openShop, orderRequest, person, placeOrder, riderAt, STORE_POINT, type OrderJson, type Person, type Shop } from "../support/orders.js";
import { closeClients, Inbox, joined, subscribe, track, WAIT_MS } from "./support.js";

const sql = db();
const feeds: OrderFeed[] = [];
after(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  await closeClients();
  await sql.end();
});

type Event = { event: string; payload: any };

/** A point between the store and the door, as a rider reports it. */
const onTheWay = (step: number) => ({ lat: STORE_POINT.lat - step * 0.0001, lng: STORE_POINT.lng - step * 0.0001 });

async function party(role: "customer" | "rider", label: string): Promise<Person> {
  const p = await person(role, label);
  track(p.supabase);
  return p;
}

async function shopAndCustomer(label: string): Promise<{ shop: Shop; customer: Person }> {
  const shop = await openShop(sql, label, [{ sku: "MILK-1L", price_paise: 6800, stock: 50 }]);
  track(shop.merchant.supabase);
  return { shop, customer: await party("customer", `${label}-buyer`) };
}

/** Everything broadcast on a private topic, as the signed-in user receives it. */
async function listen(who: Person, topic: string): Promise<Inbox<Event>> {
  const inbox = new Inbox<Event>();
  await joined(who.supabase.channel(topic, { config: { private: true } }).on("broadcast", { event: "*" }, inbox.push));
  return inbox;
}

/** An order placed, made ready, claimed by a rider on shift nearby, and picked up. */
async function pickedUp(label: string): Promise<{ shop: Shop; customer: Person; rider: Person; order: OrderJson }> {
  const { shop, customer } = await shopAndCustomer(label);
  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 2]]));
  const rider = await riderAt(sql, `${label}-rider`);
  track(rider.supabase);
  await makeReady(shop, order.id);
  assert.equal((await rider.supabase.rpc("claim_delivery", { order_id: order.id })).error, null);
  assert.equal((await rider.supabase.rpc("update_order_status", { order_id: order.id, status: "picked_up" })).error, null);
  return { shop, customer, rider, order };
}

async function report(rider: Person, orderId: string, at: { lat: number; lng: number }) {
  return rider.supabase.rpc("report_location", { order_id: orderId, lat: at.lat, lng: at.lng });
}

async function storedPositions(orderId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from public.rider_locations where order_id = ${orderId}`;
  return row!.n;
}

/** The feed, open, with every view it reports from now on. */
async function openFeed(customer: Person, orderId: string): Promise<{ feed: OrderFeed; opened: OrderView; views: Inbox<OrderView> }> {
  const feed = new OrderFeed(customer.supabase, orderId, customer.userId);
  feeds.push(feed);
  const views = new Inbox<OrderView>();
  const opened = await feed.open();
  feed.onChange(views.push);
  return { feed, opened, views };
}

test("the merchant on store:<id> receives new_order with its items at checkout, and order_changed on accepting it", async () => {
  const { shop, customer } = await shopAndCustomer("track-store");
  const store = await listen(shop.merchant, `store:${shop.storeId}`);

  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 3]]));
  await store.until((items) => items.some((x) => x.event === "new_order"), WAIT_MS, "new_order");
  const placed = store.items.find((x) => x.event === "new_order")!.payload;
  assert.equal(placed.id, order.id);
  assert.equal(placed.status, "pending");
  assert.equal(placed.total_paise, order.total_paise);
  assert.deepEqual(placed.items.map((i: any) => [i.sku, i.quantity]), [["MILK-1L", 3]]);

  assert.equal((await shop.merchant.supabase.rpc("accept_order", { order_id: order.id })).error, null);
  await store.until((items) => items.some((x) => x.event === "order_changed"), WAIT_MS, "order_changed");
  const changed = store.items.find((x) => x.event === "order_changed")!.payload;
  assert.deepEqual(
    { order_id: changed.order_id, status: changed.status, previous_status: changed.previous_status, rider_id: changed.rider_id },
    { order_id: order.id, status: "accepted", previous_status: "pending", rider_id: null },
  );
  assert.deepEqual(store.items.map((x) => x.event), ["new_order", "order_changed"]);
});

test("the customer's OrderFeed follows the order through accepted, preparing, ready and picked_up, then the positions the rider's device reports, with an ETA", async () => {
  const { shop, customer } = await shopAndCustomer("track-feed");
  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 1]]));
  const { opened, views } = await openFeed(customer, order.id);
  assert.equal(opened.status, "pending");
  assert.equal(opened.rider, null);
  assert.equal(typeof opened.etaMinutes, "number");

  const rider = await riderAt(sql, "track-feed-rider");
  track(rider.supabase);
  await makeReady(shop, order.id);
  assert.equal((await rider.supabase.rpc("claim_delivery", { order_id: order.id })).error, null);
  assert.equal((await rider.supabase.rpc("update_order_status", { order_id: order.id, status: "picked_up" })).error, null);
  await views.until((v) => v.at(-1)?.status === "picked_up", WAIT_MS, "picked_up");
  const statuses = views.items.map((v) => v.status).filter((s, i, all) => s !== all[i - 1]);
  assert.deepEqual(statuses, ["accepted", "preparing", "ready", "picked_up"]);
  assert.equal(views.items.at(-1)!.riderId, rider.userId);

  // The rider's device reports where it is (here every 100 ms rather than every 10 s).
  const positions = [onTheWay(1), onTheWay(2)];
  let located = 0;
  const failures: unknown[] = [];
  const stop = reportPositions(rider.supabase, order.id, async () => positions[Math.min(located++, positions.length - 1)]!, (e) => failures.push(e), 100);
  try {
    await views.until((v) => v.filter((x) => x.rider).length >= 2, WAIT_MS, "two positions");
  } finally {
    stop();
  }
  assert.deepEqual(failures, []);
  const seen = views.items.filter((v) => v.rider).slice(0, 2);
  assert.deepEqual(seen.map((v) => ({ lat: v.rider!.lat, lng: v.rider!.lng })), positions);
  for (const v of seen) assert.ok(Number.isInteger(v.etaMinutes) && v.etaMinutes! >= 1, `an ETA in minutes: ${v.etaMinutes}`);

  // "Updated n s ago": small when it arrives, and growing with the clock.
  const latest = seen[1]!;
  const age = positionAgeSeconds(latest)!;
  assert.ok(age >= 0 && age <= WAIT_MS / 1000 + 1, `just reported: ${age} s`);
  const recordedAt = latest.rider!.recordedAt.getTime();
  assert.equal(positionAgeSeconds(latest, new Date(recordedAt + 12_000)), 12);
  assert.equal(positionAgeSeconds(latest, new Date(recordedAt + 75_000)), 75);
});

test("a customer opening the order page later gets the last stored position and its age from order_tracking", async () => {
  const { customer, rider, order } = await pickedUp("track-later");
  const last = onTheWay(3);
  assert.equal((await report(rider, order.id, last)).error, null);
  // As if the page were opened 90 seconds after that report.
  await sql`update public.rider_locations set recorded_at = recorded_at - interval '90 seconds' where order_id = ${order.id}`;
  await sql`update public.rider_profiles set last_seen_at = last_seen_at - interval '90 seconds' where rider_id = ${rider.userId}`;
  const [row] = await sql<{ recorded_at: Date }[]>`select recorded_at from public.rider_locations where order_id = ${order.id}`;

  const { data, error } = await customer.supabase.rpc("order_tracking", { order_id: order.id });
  assert.equal(error, null);
  const tracking = data as any;
  assert.equal(tracking.status, "picked_up");
  assert.equal(tracking.rider_id, rider.userId);
  assert.deepEqual({ lat: tracking.rider.lat, lng: tracking.rider.lng }, last);
  assert.equal(Date.parse(tracking.rider.recorded_at), row!.recorded_at.getTime());
  assert.ok(tracking.rider.age_seconds >= 90, `age_seconds ${tracking.rider.age_seconds}`);
  assert.equal(typeof tracking.eta_minutes, "number");

  const { opened } = await openFeed(customer, order.id);
  assert.deepEqual({ lat: opened.rider?.lat, lng: opened.rider?.lng }, last);
  assert.ok(positionAgeSeconds(opened)! >= 90);
});

test("report_location stores at most one position per 30 seconds, but every report reaches the order's topic", async () => {
  const { customer, rider, order } = await pickedUp("track-throttle");
  const feed = await listen(customer, `order:${order.id}`);

  const reports = [onTheWay(1), onTheWay(2), onTheWay(3)];
  const answers = [];
  for (const at of reports) {
    const { data, error } = await report(rider, order.id, at);
    assert.equal(error, null);
    answers.push((data as any).stored);
  }
  assert.deepEqual(answers, [true, false, false]);
  assert.equal(await storedPositions(order.id), 1);
  await feed.until((items) => items.filter((x) => x.event === "rider_location").length >= 3, WAIT_MS, "three positions");
  const broadcast = feed.items.filter((x) => x.event === "rider_location").map((x) => x.payload);
  assert.deepEqual(broadcast.map((p) => ({ lat: p.lat, lng: p.lng })), reports);
  for (const p of broadcast) {
    assert.equal(p.rider_id, rider.userId);
    assert.equal(typeof p.eta_minutes, "number");
  }

  // Once the stored one is more than 30 seconds old, the next report is stored.
  await sql`update public.rider_locations set recorded_at = recorded_at - interval '31 seconds' where order_id = ${order.id}`;
  const { data } = await report(rider, order.id, onTheWay(4));
  assert.equal((data as any).stored, true);
  assert.equal(await storedPositions(order.id), 2);
});

test("a rider not on the order gets 403 not_your_delivery and out-of-range coordinates 400; nothing is stored or reaches the customer", async () => {
  const { customer, rider, order } = await pickedUp("track-refused");
  const feed = await listen(customer, `order:${order.id}`);
  const stranger = await riderAt(sql, "track-refused-other");
  track(stranger.supabase);

  const notTheirs = await report(stranger, order.id, NEAR);
  assert.deepEqual([notTheirs.status, notTheirs.error?.code], [403, "not_your_delivery"]);
  for (const at of [{ lat: 91, lng: NEAR.lng }, { lat: NEAR.lat, lng: -180.5 }]) {
    const outOfRange = await report(rider, order.id, at);
    assert.deepEqual([outOfRange.status, outOfRange.error?.code], [400, "22023"], JSON.stringify(at));
  }
  const byCustomer = await report(customer, order.id, NEAR);
  assert.deepEqual([byCustomer.status, byCustomer.error?.code], [403, "riders_only"]);
  assert.equal(await storedPositions(order.id), 0);

  // The first position the customer receives is the valid one sent after the refusals.
  const valid = onTheWay(5);
  assert.equal((await report(rider, order.id, valid)).error, null);
  await feed.until((items) => items.some((x) => x.event === "rider_location"), WAIT_MS, "a position");
  const positions = feed.items.filter((x) => x.event === "rider_location").map((x) => ({ lat: x.payload.lat, lng: x.payload.lng }));
  assert.deepEqual(positions, [valid]);
  assert.equal(await storedPositions(order.id), 1);
});

/** The jobs cell of STORE_POINT (18.521 N, 73.857 E): rows of 0.05° of latitude, columns of 0.06° of longitude. */
const STORE_CELL = "jobs:370:1230";

/** A rider following the jobs cells around them through the app's feed. */
async function followCells(who: Person): Promise<{ inbox: Inbox<Event>; feed: JobFeed }> {
  const inbox = new Inbox<Event>();
  const joinedAll = new Inbox<true>();
  const feed = followJobs(who.supabase, {
    ready: (job) => inbox.push({ event: "job_ready", payload: job }),
    taken: (orderId) => inbox.push({ event: "job_taken", payload: { order_id: orderId } }),
    joined: () => joinedAll.push(true),
    left: () => {},
  });
  await joinedAll.count(1);
  return { inbox, feed };
}

test("riders around a store receive job_ready and job_taken, a rider across the city does not, and the cells follow a rider who moves", async () => {
  const { shop, customer } = await shopAndCustomer("track-jobs");
  const farShop = await openShop(sql, "track-jobs-far", [{ sku: "MILK-1L", price_paise: 6800, stock: 50 }], { at: FAR });
  const watching = await party("rider", "track-jobs-watching");
  const across = await party("rider", "track-jobs-across");
  await watching.supabase.from("rider_profiles").update({ is_available: true, location: `SRID=4326;POINT(${NEAR.lng} ${NEAR.lat})` }).eq("rider_id", watching.userId);
  await across.supabase.from("rider_profiles").update({ is_available: true, location: `SRID=4326;POINT(${FAR.lng} ${FAR.lat})` }).eq("rider_id", across.userId);
  const { data: topics } = await watching.supabase.rpc("job_topics");
  assert.equal(topics?.length, 9, "a rider follows their cell and the eight around it");
  assert.ok(topics?.includes(STORE_CELL));

  const near = await followCells(watching);
  const far = await followCells(across);
  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 1]]));
  const forOrder = (items: Event[], id = order.id) => items.filter((x) => x.payload.order_id === id);

  await makeReady(shop, order.id);
  await near.inbox.until((items) => forOrder(items).length >= 1, WAIT_MS, "job_ready");
  const ready = forOrder(near.inbox.items)[0]!;
  assert.equal(ready.event, "job_ready");
  assert.deepEqual(
    { store_id: ready.payload.store_id, store_lat: ready.payload.store_lat, store_lng: ready.payload.store_lng, fee: ready.payload.delivery_fee_paise },
    { store_id: shop.storeId, store_lat: STORE_POINT.lat, store_lng: STORE_POINT.lng, fee: order.delivery_fee_paise },
  );

  const claimer = await riderAt(sql, "track-jobs-claimer");
  track(claimer.supabase);
  assert.equal((await claimer.supabase.rpc("claim_delivery", { order_id: order.id })).error, null);
  await near.inbox.until((items) => forOrder(items).length >= 2, WAIT_MS, "job_taken");
  assert.deepEqual(forOrder(near.inbox.items).map((x) => x.event), ["job_ready", "job_taken"]);

  // The watching rider rides across the city; the cells follow, and a job there reaches both.
  await watching.supabase.from("rider_profiles").update({ location: `SRID=4326;POINT(${FAR.lng} ${FAR.lat + 0.001})` }).eq("rider_id", watching.userId);
  await near.feed.moved();
  const farOrder = await placeOrder(customer, orderRequest(farShop, [["MILK-1L", 1]], { delivery: { address: "Far Road", lat: FAR.lat + 0.001, lng: FAR.lng } }));
  await makeReady(farShop, farOrder.id);
  await far.inbox.until((items) => forOrder(items, farOrder.id).length >= 1, WAIT_MS, "the job across the city");
  await near.inbox.until((items) => forOrder(items, farOrder.id).length >= 1, WAIT_MS, "the job where the rider now is");
  assert.deepEqual(forOrder(far.inbox.items), [], "the rider across the city never heard of the job 11 km away");
  near.feed.leave();
  far.feed.leave();
});

test("a customer joins their own order's topic, but neither a jobs cell nor another customer's order", async () => {
  const { shop, customer } = await shopAndCustomer("track-topics");
  const order = await placeOrder(customer, orderRequest(shop, [["MILK-1L", 1]]));
  const other = await party("customer", "track-topics-other");

  assert.equal((await subscribe(customer.supabase.channel(`order:${order.id}`, { config: { private: true } }))).status, "SUBSCRIBED");
  for (const topic of [STORE_CELL, `order:${order.id}`]) {
    const refused = await subscribe(other.supabase.channel(topic, { config: { private: true } }));
    assert.equal(refused.status, "CHANNEL_ERROR", topic);
    assert.equal(refused.err?.message, `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);
  }
});

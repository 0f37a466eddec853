// The rider's outbox senders (app/src/lib/outbox/senders.ts) against the stack: going on shift
// stores the position dispatch reads; pickup and delivery replayed after a lost answer are done,
// not refused; a delivery queued with the customer's token is checked again by the server when
// it is sent; a wrong code or token and a job that is not the rider's need the rider.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { OutboxItem, Sender } from "../../app/src/lib/outbox/outbox.js";
import { availabilitySender, deliverySender, pickupSender } from "../../app/src/lib/outbox/senders.js";
import { readyJobs } from "../../app/src/lib/deliveries/deliveries.js";
import { t } from "../../app/src/lib/i18n/index.js";
import { handoverToken } from "../../app/src/lib/orders/orders.js";
import { db } from "../support/env.js";
import { makeReady, NEAR, openShop, orderRequest, person, placeOrder } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const item = (kind: string, payload: unknown): OutboxItem => ({
  id: randomUUID(),
  kind,
  payload,
  label: kind,
  createdAt: Date.now(),
  state: "queued",
  failures: 0,
  notBefore: 0,
  problem: null,
  result: null,
});
const send = (sender: Sender, kind: string, payload: unknown) => sender(item(kind, payload));

describe("the rider's outbox senders", () => {
  it("go on shift with a position, pick up and deliver, each harmless when replayed", async () => {
    const shop = await openShop(sql, "app-rider-outbox", [{ sku: "RICE", price_paise: 9000, stock: 10 }]);
    const customer = await person("customer", "app-rider-outbox-buyer");
    const rider = await person("rider", "app-rider-outbox-rider");
    const other = await person("rider", "app-rider-outbox-other");

    const shift = availabilitySender(rider.supabase);
    const on = await send(shift, "availability", { riderId: rider.userId, available: true, at: NEAR });
    assert.equal(on.ok, true);
    const [row] = await sql<{ is_available: boolean; lat: number; lng: number; seen: boolean }[]>`
      select is_available, st_y(location::geometry) as lat, st_x(location::geometry) as lng, last_seen_at > now() - interval '1 minute' as seen
      from public.rider_profiles where rider_id = ${rider.userId}`;
    assert.deepEqual({ ...row }, { is_available: true, lat: NEAR.lat, lng: NEAR.lng, seen: true });
    // The same change again changes nothing and is done again.
    assert.equal((await send(shift, "availability", { riderId: rider.userId, available: true, at: null })).ok, true);

    const order = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
    await makeReady(shop, order.id);
    assert.ok((await readyJobs(rider.supabase)).some((j) => j.order_id === order.id), "the position reached dispatch");
    const claimed = await rider.supabase.rpc("claim_delivery", { order_id: order.id });
    assert.equal(claimed.error, null);

    // Someone else's job is not done: it needs the rider.
    const notMine = await send(pickupSender(other.supabase), "pickup", { orderId: order.id });
    assert.ok(!notMine.ok && "attention" in notMine);

    const pickup = pickupSender(rider.supabase);
    assert.equal((await send(pickup, "pickup", { orderId: order.id })).ok, true);
    assert.equal((await send(pickup, "pickup", { orderId: order.id })).ok, true, "a replayed pickup is done");

    const code = (await sql<{ code: string }[]>`select code from private.handover_codes where order_id = ${order.id}`)[0]!.code;
    const wrong = String((Number(code) + 1) % 10000).padStart(4, "0");
    const deliver = deliverySender(rider.supabase);
    const refused = await send(deliver, "delivery", { orderId: order.id, code: wrong });
    assert.ok(!refused.ok && "attention" in refused);
    assert.deepEqual(refused.attention, { kind: "wrong", attemptsLeft: 4, message: t.rider.job.wrongCodeCounted(4) });
    // A token the phone let through but the server did not issue for this order (another of
    // the customer's orders) is refused on replay, and counted.
    const another = await placeOrder(customer, orderRequest(shop, [["RICE", 1]]));
    const forged = await send(deliver, "delivery", { orderId: order.id, token: await handoverToken(customer.supabase, another.id) });
    assert.ok(!forged.ok && "attention" in forged);
    assert.deepEqual(forged.attention, { kind: "wrong", attemptsLeft: 3, message: t.rider.job.wrongTokenCounted(3) });

    // Queued offline with the customer's token, sent later (and again after a lost answer).
    const token = await handoverToken(customer.supabase, order.id);
    assert.equal((await send(deliver, "delivery", { orderId: order.id, token })).ok, true);
    assert.equal((await send(deliver, "delivery", { orderId: order.id, token })).ok, true, "a replayed delivery is done");
    assert.equal((await send(deliver, "delivery", { orderId: order.id, code })).ok, true, "so is one with the code");
    assert.equal(await send(pickup, "pickup", { orderId: order.id }).then((o) => o.ok), true, "a pickup replayed after delivery is done");
    assert.equal((await sql<{ status: string }[]>`select status from public.orders where id = ${order.id}`)[0]!.status, "delivered");
    const events = await sql<{ n: number }[]>`select count(*)::int as n from public.order_events where order_id = ${order.id} and status in ('picked_up', 'delivered')`;
    assert.equal(events[0]!.n, 2, "each step happened once");

    const off = await send(shift, "availability", { riderId: rider.userId, available: false, at: null });
    assert.equal(off.ok, true);
    assert.equal((await sql<{ a: boolean }[]>`select is_available as a from public.rider_profiles where rider_id = ${rider.userId}`)[0]!.a, false);
  });
});

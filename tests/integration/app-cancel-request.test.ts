// Asking the store to cancel over REST, through the app's client functions and its outbox sender
// (app/src/lib/orders/orders.ts, app/src/lib/outbox/senders.ts): each refusal (too late, someone
// else's order, twice, bad input) is a clear 4xx that changes nothing; agreeing cancels the order
// once, declining keeps it going, and a replayed request is done rather than refused.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { agreeToCancellation, declineCancellation, requestCancellation } from "../../app/src/lib/orders/orders.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import type { OutboxItem } from "../../app/src/lib/outbox/outbox.js";
import { cancelRequestSender } from "../../app/src/lib/outbox/senders.js";
import { db } from "../support/env.js";
import { makeReady, openShop, orderRequest, person, placeOrder, riderAt, stockOf } from "../support/orders.js";

const sql = db();
after(() => sql.end());

/** What a refusal carried, to compare in one assertion. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof Refused) return { status: e.status, code: e.code };
    throw e;
  }
  throw new Error("not refused");
}

/** The order's status, its events and its request, to show a refusal changed nothing. */
async function stateOf(orderId: string) {
  const [row] = await sql<{ status: string; events: number; request: unknown }[]>`
    select o.status::text, (select count(*)::int from public.order_events e where e.order_id = o.id) as events,
           (select to_jsonb(r) - 'requested_at' - 'answered_at' from public.cancellation_requests r where r.order_id = o.id) as request
    from public.orders o where o.id = ${orderId}`;
  return { ...row };
}

const item = (payload: unknown): OutboxItem => ({
  id: randomUUID(),
  kind: "cancel_request",
  payload,
  label: "ask to cancel",
  createdAt: Date.now(),
  state: "queued",
  failures: 0,
  notBefore: 0,
  problem: null,
  result: null,
});

describe("asking the store to cancel", () => {
  it("is refused with a clear 4xx that changes nothing: pending, after pickup, someone else's order, twice, bad input", async () => {
    const shop = await openShop(sql, "cancel-request-refusals", [{ sku: "DAL", price_paise: 12000, stock: 20 }]);
    const customer = await person("customer", "cancel-request-buyer");
    const stranger = await person("customer", "cancel-request-stranger");
    const other = await openShop(sql, "cancel-request-other", [{ sku: "DAL", price_paise: 12000, stock: 5 }]);

    const pending = await placeOrder(customer, orderRequest(shop, [["DAL", 1]]));
    assert.deepEqual(await refusal(requestCancellation(customer.supabase, pending.id, "Changed my mind")), { status: 409, code: "cancel_it_yourself" });

    const order = await placeOrder(customer, orderRequest(shop, [["DAL", 2]]));
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: order.id });
    assert.equal(accepted.error, null, accepted.error?.message);
    const before = await stateOf(order.id);

    // Bad input, sent as a client that skips the app's checks would: 400 from the database.
    for (const reason of ["", "   ", "x".repeat(501)]) {
      const { error, status } = await customer.supabase.rpc("request_cancellation", { order_id: order.id, reason });
      assert.equal(status, 400, `reason of ${reason.length} characters: ${error?.message}`);
      assert.equal(error?.code, "22023");
    }
    const badId = await customer.supabase.rpc("request_cancellation", { order_id: "not-an-order", reason: "Why not" });
    assert.equal(badId.status, 400, badId.error?.message);
    // Someone else's order: as if it did not exist.
    assert.deepEqual(await refusal(requestCancellation(stranger.supabase, order.id, "Not mine")), { status: 404, code: "order_not_found" });
    assert.deepEqual(await refusal(requestCancellation(shop.merchant.supabase, order.id, "Not mine")), { status: 404, code: "order_not_found" });
    assert.deepEqual(await stateOf(order.id), before, "the refusals changed nothing");

    // Asked once; the second time is refused and the first reason stays.
    await requestCancellation(customer.supabase, order.id, "  Ordered the wrong dal  ");
    assert.deepEqual(await refusal(requestCancellation(customer.supabase, order.id, "Please")), { status: 409, code: "cancellation_already_requested" });
    const asked = await stateOf(order.id);
    assert.deepEqual(asked.request, { order_id: order.id, reason: "Ordered the wrong dal", answer: null, answer_reason: null });

    // Only the store's merchant answers.
    assert.deepEqual(await refusal(agreeToCancellation(customer.supabase, order.id)), { status: 404, code: "order_not_found" });
    assert.deepEqual(await refusal(agreeToCancellation(other.merchant.supabase, order.id)), { status: 404, code: "order_not_found" });
    assert.deepEqual(await refusal(declineCancellation(other.merchant.supabase, order.id, "No")), { status: 404, code: "order_not_found" });
    for (const reason of ["  ", "x".repeat(201)]) {
      const { status } = await shop.merchant.supabase.rpc("decline_cancellation", { order_id: order.id, reason });
      assert.equal(status, 400, `a decline reason of ${reason.length} characters`);
    }
    assert.deepEqual(await stateOf(order.id), asked, "the refused answers changed nothing");

    // Too late: once the rider has the order, neither asking nor agreeing is possible.
    const late = await placeOrder(customer, orderRequest(shop, [["DAL", 1]]));
    await makeReady(shop, late.id);
    await requestCancellation(customer.supabase, late.id, "Taking too long");
    const rider = await riderAt(sql, "cancel-request-rider");
    for (const [call, args] of [["claim_delivery", { order_id: late.id }], ["update_order_status", { order_id: late.id, status: "picked_up" }]] as const) {
      const { error } = await rider.supabase.rpc(call, args);
      assert.equal(error, null, error?.message);
    }
    const pickedUp = await stateOf(late.id);
    assert.deepEqual(await refusal(agreeToCancellation(shop.merchant.supabase, late.id)), { status: 409, code: "already_picked_up" });
    assert.deepEqual(await stateOf(late.id), pickedUp, "the order is still picked up, the request unanswered");
    const another = await placeOrder(customer, orderRequest(shop, [["DAL", 1]]));
    await makeReady(shop, another.id);
    // Another rider: the first is still on the way with the other order.
    const second = await riderAt(sql, "cancel-request-rider-2");
    const claimed = await second.supabase.rpc("claim_delivery", { order_id: another.id });
    assert.equal(claimed.error, null, claimed.error?.message);
    const moved = await second.supabase.rpc("update_order_status", { order_id: another.id, status: "picked_up" });
    assert.equal(moved.error, null, moved.error?.message);
    assert.deepEqual(await refusal(requestCancellation(customer.supabase, another.id, "Too late?")), { status: 409, code: "already_picked_up" });
    assert.equal((await stateOf(another.id)).request, null, "no request was kept");
  });

  it("agreeing cancels the order once and releases its stock; declining keeps it going; a replayed request is done", async () => {
    const shop = await openShop(sql, "cancel-request-answers", [{ sku: "OIL", price_paise: 15000, stock: 10 }]);
    const customer = await person("customer", "cancel-request-answers-buyer");
    const ask = cancelRequestSender(customer.supabase);

    const agreed = await placeOrder(customer, orderRequest(shop, [["OIL", 3]]));
    const accepted = await shop.merchant.supabase.rpc("accept_order", { order_id: agreed.id });
    assert.equal(accepted.error, null, accepted.error?.message);
    const payload = { orderId: agreed.id, reason: "Bought it downstairs" };
    assert.equal((await ask(item(payload))).ok, true);
    assert.equal((await ask(item(payload))).ok, true, "a replayed request is done");
    await agreeToCancellation(shop.merchant.supabase, agreed.id);
    assert.deepEqual(await refusal(agreeToCancellation(shop.merchant.supabase, agreed.id)), { status: 409, code: "no_open_cancellation_request" });
    const [row] = await sql<{ status: string; status_reason: string; cancelled: number }[]>`
      select o.status::text, o.status_reason,
             (select count(*)::int from public.order_events e where e.order_id = o.id and e.status = 'cancelled') as cancelled
      from public.orders o where o.id = ${agreed.id}`;
    assert.deepEqual({ ...row }, { status: "cancelled", status_reason: "At the customer's request: Bought it downstairs", cancelled: 1 });
    assert.deepEqual(await stockOf(sql, shop), { OIL: 10 }, "the stock went back");

    const declined = await placeOrder(customer, orderRequest(shop, [["OIL", 1]]));
    const kept = await shop.merchant.supabase.rpc("accept_order", { order_id: declined.id });
    assert.equal(kept.error, null, kept.error?.message);
    await requestCancellation(customer.supabase, declined.id, "Wrong address");
    await declineCancellation(shop.merchant.supabase, declined.id, "Already packed");
    const answer = await stateOf(declined.id);
    assert.deepEqual(answer.request, { order_id: declined.id, reason: "Wrong address", answer: "declined", answer_reason: "Already packed" });
    assert.equal(answer.status, "accepted", "the order goes on");
    const again = await ask(item({ orderId: declined.id, reason: "Please" }));
    assert.ok(again.ok, "asking again after a refusal finds the request made: done, nothing new");
    assert.deepEqual(await stateOf(declined.id), answer);
  });
});

// The merchant's and rider's delivery client (app/src/lib/deliveries) against the stack: an
// order accepted with an item short, prepared, claimed from the ready jobs (a second claim
// loses), released and claimed again, picked up, the customer's handover token verified offline
// and delivered after a wrong code; a rider assigned by the store locked out by wrong codes
// until the store unlocks; rejections and cancellations need a reason.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { $ZodError as ZodError } from "zod/v4/core";
import {
  acceptOrder,
  assignRider,
  claim,
  deliver,
  handoverCheck,
  markPickedUp,
  readyJobs,
  rejectOrder,
  release,
  setStatus,
  suggestRiders,
  unlockHandover,
} from "../../app/src/lib/deliveries/deliveries.js";
import { verifyHandoverToken } from "../../app/src/lib/deliveries/handover-token.js";
import { handoverCode, handoverToken, orderTimeline } from "../../app/src/lib/orders/orders.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder, riderAt, type OrderJson, type Person, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const refused = (status: number, code: string) => (e: unknown) => e instanceof Refused && e.status === status && e.code === code;
/** A 4-digit code that is not `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 10000).padStart(4, "0");

describe("a delivery from the app", () => {
  let shop: Shop;
  let customer: Person;
  let rider: Person;
  let rival: Person;

  before(async () => {
    shop = await openShop(sql, "app-dispatch", [
      { sku: "ATTA", price_paise: 28500, stock: 40 },
      { sku: "DAHI", price_paise: 3500, stock: 25 },
    ]);
    customer = await person("customer", "app-dispatch-buyer");
    rider = await riderAt(sql, "app-rider");
    rival = await riderAt(sql, "app-rival");
  });

  it("from acceptance to the door, verifying the customer's token offline first", async () => {
    const order = await placeOrder(customer, orderRequest(shop, [["ATTA", 1], ["DAHI", 2]]));
    const merchant = shop.merchant.supabase;

    // The shop has no dahi after all: the item goes and the total follows.
    const accepted = await acceptOrder(merchant, order.id, [shop.product["DAHI"]!]);
    assert.equal(accepted.status, "accepted");
    assert.equal(accepted.total_paise, order.total_paise - 2 * 3500);
    assert.equal((await setStatus(merchant, order.id, "preparing")).status, "preparing");
    assert.equal((await setStatus(merchant, order.id, "ready")).status, "ready");

    const suggested = await suggestRiders(merchant, order.id, { maxResults: 50 });
    assert.ok(suggested.some((r) => r.rider_id === rider.userId), "the free rider nearby is suggested");

    const jobs = await readyJobs(rider.supabase);
    const job = jobs.find((j) => j.order_id === order.id);
    assert.ok(job, "the ready order is among the rider's jobs");
    assert.deepEqual([job.store_id, job.items], [shop.storeId, 1]);

    assert.equal((await claim(rider.supabase, order.id)).rider_id, rider.userId);
    await assert.rejects(claim(rival.supabase, order.id), refused(409, "already_claimed"));
    assert.ok(!(await readyJobs(rival.supabase)).some((j) => j.order_id === order.id), "a claimed job is no longer listed");

    // Given back before pickup, it is a job again; the rival may not pick up what is not theirs.
    assert.equal((await release(rider.supabase, order.id)).rider_id, null);
    assert.ok((await readyJobs(rival.supabase)).some((j) => j.order_id === order.id));
    await claim(rider.supabase, order.id);
    await assert.rejects(markPickedUp(rival.supabase, order.id), refused(404, "order_not_found"));
    assert.equal((await markPickedUp(rider.supabase, order.id)).status, "picked_up");

    const code = await handoverCode(customer.supabase, order.id);
    const token = await handoverToken(customer.supabase, order.id);
    assert.equal(await handoverToken(customer.supabase, order.id), token, "the customer's token stays the same");
    const check = await handoverCheck(rider.supabase, order.id);
    assert.deepEqual([check.order_id, check.attempts_left, check.locked], [order.id, 5, false]);
    // WebCrypto verifies the platform's signature with the public key alone.
    assert.equal(await verifyHandoverToken(check, token), true);
    assert.equal(await verifyHandoverToken(check, ` ${token}\n`), true, "a scanner's stray whitespace is ignored");
    const [id, nonce, signature] = token.split(".") as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    assert.equal(await verifyHandoverToken(check, `${id}.${nonce}.${flipped}`), false, "a changed signature");
    assert.equal(await verifyHandoverToken(check, `${id}.${"A".repeat(22)}.${signature}`), false, "another nonce");
    assert.equal(await verifyHandoverToken({ ...check, order_id: shop.storeId }, token), false, "another order's check");
    assert.equal(await verifyHandoverToken(check, code), false, "the code is no token");
    // The customer cannot read the check; the rival rider neither.
    await assert.rejects(handoverCheck(customer.supabase, order.id), refused(404, "order_not_found"));
    await assert.rejects(handoverCheck(rival.supabase, order.id), refused(404, "order_not_found"));

    assert.deepEqual(await deliver(rider.supabase, order.id, { code: wrong(code) }), { kind: "wrong", attemptsLeft: 4 });
    await assert.rejects(deliver(rider.supabase, order.id, { token: "not a token" }), ZodError);
    const delivered = await deliver(rider.supabase, order.id, { token });
    assert.equal(delivered.kind, "delivered");
    assert.ok(delivered.kind === "delivered");
    assert.deepEqual([delivered.order.id, delivered.order.status, delivered.order.rider_id], [order.id, "delivered", rider.userId]);
    assert.deepEqual(delivered.order.items.map((i) => [i.sku, i.unavailable]), [["ATTA", false], ["DAHI", true]]);

    const timeline = await orderTimeline(customer.supabase, order.id);
    assert.deepEqual(timeline.map((e) => e.status), ["pending", "accepted", "preparing", "ready", "picked_up", "delivered"]);
    assert.match(timeline[1]!.note ?? "", /Product DAHI removed/);
  });

  it("five wrong codes lock the handover until the store unlocks it", async () => {
    const order: OrderJson = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    const merchant = shop.merchant.supabase;
    await acceptOrder(merchant, order.id);
    // The store gives the job to a rider itself, before it is ready.
    assert.equal((await assignRider(merchant, order.id, rider.userId)).rider_id, rider.userId);
    await setStatus(merchant, order.id, "preparing");
    await setStatus(merchant, order.id, "ready");
    await markPickedUp(rider.supabase, order.id);

    const code = await handoverCode(customer.supabase, order.id);
    for (const attemptsLeft of [4, 3, 2, 1]) {
      assert.deepEqual(await deliver(rider.supabase, order.id, { code: wrong(code) }), { kind: "wrong", attemptsLeft });
    }
    assert.deepEqual(await deliver(rider.supabase, order.id, { code: wrong(code) }), { kind: "locked" });
    // Locked: even the right code is refused, and the device's check says so too.
    assert.deepEqual(await deliver(rider.supabase, order.id, { code }), { kind: "locked" });
    assert.deepEqual(await handoverCheck(rider.supabase, order.id).then((c) => [c.attempts_left, c.locked]), [0, true]);

    await assert.rejects(unlockHandover(merchant, order.id, "  "), ZodError);
    await unlockHandover(merchant, order.id, "Customer showed the order on their phone");
    assert.equal((await deliver(rider.supabase, order.id, { code })).kind, "delivered");
  });

  it("the store rejects or cancels with a reason; a wrong step is refused", async () => {
    const merchant = shop.merchant.supabase;
    const first = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    await assert.rejects(rejectOrder(merchant, first.id, " "), ZodError);
    const rejected = await rejectOrder(merchant, first.id, "Closing early today");
    assert.deepEqual([rejected.status, rejected.status_reason], ["rejected", "Closing early today"]);
    await assert.rejects(acceptOrder(merchant, first.id), refused(409, "invalid_transition"));

    const second = await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]));
    await assert.rejects(setStatus(merchant, second.id, "ready"), refused(409, "invalid_transition"));
    await acceptOrder(merchant, second.id);
    await assert.rejects(setStatus(merchant, second.id, "cancelled"), ZodError);
    const cancelled = await setStatus(merchant, second.id, "cancelled", "Ran out of atta");
    assert.deepEqual([cancelled.status, cancelled.status_reason], ["cancelled", "Ran out of atta"]);
    // A customer is not the store.
    await assert.rejects(acceptOrder(customer.supabase, (await placeOrder(customer, orderRequest(shop, [["ATTA", 1]]))).id), refused(404, "order_not_found"));
  });
});

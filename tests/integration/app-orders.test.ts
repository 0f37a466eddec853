// The app's ordering client (app/src/lib/orders) against the stack: a cart quoted and checked out
// through the Edge Function, each kind of answer parsed (placed and replayed, conflicts with
// their details, per-field errors, a reused key, no session, a failed network), and the order
// list and timeline a customer's pages read.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import ws from "ws";
import { addItem, emptyCart, toOrderRequest, type Cart } from "../../app/src/lib/cart/cart.js";
import { estimate, keepTerms, keptTerms } from "../../app/src/lib/orders/estimate.js";
import { cancelOrder, checkout, deliveryTerms, getOrder, handoverCode, myOrders, orderTimeline, quote, type CheckoutResult } from "../../app/src/lib/orders/orders.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import type { Database } from "../../app/src/lib/database.types.js";
import { client, db, env } from "../support/env.js";
import { FAR, NEAR, newKey, openShop, orderCount, person, stockOf, type Person, type Shop } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const DELIVERY = { address: "7 Karve Road, Pune", ...NEAR };

/** A cart of the shop's products: [sku, quantity, substitute?]. */
function cartOf(shop: Shop, lines: [string, number, ("remove" | "substitute")?][]): Cart {
  let cart = emptyCart();
  for (const [sku, quantity, ifUnavailable] of lines) {
    const change = addItem(cart, { id: shop.storeId, name: "shop" }, { id: shop.product[sku]!, name: sku, pricePaise: 1 }, quantity, ifUnavailable);
    assert.ok(change.ok);
    cart = change.cart;
  }
  return cart;
}

function expectKind<K extends CheckoutResult["kind"]>(result: CheckoutResult, kind: K): Extract<CheckoutResult, { kind: K }> {
  assert.equal(result.kind, kind, JSON.stringify(result));
  return result as Extract<CheckoutResult, { kind: K }>;
}

describe("ordering from the app", () => {
  let shop: Shop;
  let customer: Person;

  before(async () => {
    // A 500.00 minimum order, so a small basket also pays the small-order fee.
    shop = await openShop(sql, "app-orders", [
      { sku: "ATTA", price_paise: 28500, stock: 40 },
      { sku: "DAHI", price_paise: 3500, stock: 25 },
      { sku: "LAST", price_paise: 9900, stock: 1 },
    ], { minimum_order_paise: 50000 });
    customer = await person("customer", "app-buyer");
  });

  it("checkout charges what quote said; the same key again replays the same order", async () => {
    const cart = cartOf(shop, [["ATTA", 1], ["DAHI", 2, "substitute"]]);
    const quoted = await quote(customer.supabase, cart, NEAR);
    assert.equal(quoted.can_order, true);
    assert.deepEqual(quoted.problems, []);
    assert.deepEqual(
      [quoted.subtotal_paise, quoted.delivery_fee_paise, quoted.small_order_fee_paise, quoted.total_paise],
      [35500, 2000, 2500, 40000],
    );
    assert.deepEqual(quoted.lines.map((l) => [l.product_id, l.unit_price_paise, l.quantity, l.if_unavailable, l.available]), [
      [shop.product["ATTA"], 28500, 1, "remove", 40],
      [shop.product["DAHI"], 3500, 2, "substitute", 25],
    ]);

    const request = toOrderRequest(cart, DELIVERY, { notes: "Ring twice", expectedTotalPaise: quoted.total_paise });
    const key = newKey();
    const placed = expectKind(await checkout(customer.supabase, request, key), "placed");
    assert.equal(placed.replayed, false);
    assert.equal(placed.order.total_paise, quoted.total_paise);
    assert.equal(placed.order.status, "pending");
    assert.equal(placed.order.notes, "Ring twice");
    assert.deepEqual(placed.order.items.map((i) => [i.product_id, i.quantity, i.if_unavailable]), [
      [shop.product["ATTA"], 1, "remove"],
      [shop.product["DAHI"], 2, "substitute"],
    ]);

    const again = expectKind(await checkout(customer.supabase, request, key), "placed");
    assert.equal(again.replayed, true);
    assert.deepEqual(again.order, placed.order);
    assert.equal(await orderCount(sql, { customerId: customer.userId }), 1);
  });

  it("offline, the kept prices and delivery terms add up to what quote says, small-order fee and all", async () => {
    const storage = new Map<string, string>();
    const kept = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    keepTerms(kept, await deliveryTerms(customer.supabase, shop.storeId, NEAR));
    const terms = keptTerms(kept, shop.storeId.toUpperCase());
    assert.ok(terms);
    for (const lines of [[["ATTA", 28500, 1], ["DAHI", 3500, 2]], [["ATTA", 28500, 2]]] as const) {
      let cart = emptyCart();
      for (const [sku, price, n] of lines) {
        const change = addItem(cart, { id: shop.storeId, name: "shop" }, { id: shop.product[sku]!, name: sku, pricePaise: price }, n);
        assert.ok(change.ok);
        cart = change.cart;
      }
      const quoted = await quote(customer.supabase, cart, NEAR);
      const shown = estimate(cart, terms);
      assert.deepEqual(
        [shown.subtotal_paise, shown.delivery_fee_paise, shown.small_order_fee_paise, shown.total_paise],
        [quoted.subtotal_paise, quoted.delivery_fee_paise, quoted.small_order_fee_paise, quoted.total_paise],
      );
    }
    // A store never opened online: the items only, the fees left to the server.
    const unknown = estimate(cartOf(shop, [["ATTA", 1]]), keptTerms(kept, crypto.randomUUID()));
    assert.deepEqual([unknown.delivery_fee_paise, unknown.small_order_fee_paise, unknown.total_paise], [null, null, 1]);
  });

  it("out of stock: quote lists the problem and checkout answers a conflict with the items short", async () => {
    const cart = cartOf(shop, [["LAST", 3], ["DAHI", 1]]);
    const quoted = await quote(customer.supabase, cart, NEAR);
    assert.equal(quoted.can_order, false);
    assert.deepEqual(quoted.problems.map((p) => p.code), ["out_of_stock"]);

    const before = await stockOf(sql, shop);
    const key = newKey();
    const conflict = expectKind(await checkout(customer.supabase, toOrderRequest(cart, DELIVERY), key), "conflict");
    assert.equal(conflict.code, "out_of_stock");
    assert.equal(conflict.replayed, false);
    assert.ok(conflict.code === "out_of_stock");
    assert.deepEqual(conflict.details.items, [{ product_id: shop.product["LAST"], name: "Product LAST", requested: 3, available: 1 }]);
    assert.deepEqual(await stockOf(sql, shop), before);
    // Stored for the key: the retry gets the same refusal, marked as a replay.
    const replay = expectKind(await checkout(customer.supabase, toOrderRequest(cart, DELIVERY), key), "conflict");
    assert.equal(replay.replayed, true);
    assert.equal(replay.code, "out_of_stock");
  });

  it("a changed total and a faraway address are conflicts with what the screen needs", async () => {
    const cart = cartOf(shop, [["ATTA", 2]]);
    const changed = expectKind(await checkout(customer.supabase, toOrderRequest(cart, DELIVERY, { expectedTotalPaise: 100 }), newKey()), "conflict");
    assert.ok(changed.code === "price_changed", changed.code);
    assert.equal(changed.details.expected_total_paise, 100);
    assert.equal(changed.details.quote.total_paise, 2 * 28500 + 2000);

    const far = expectKind(await checkout(customer.supabase, toOrderRequest(cart, { ...DELIVERY, ...FAR }), newKey()), "conflict");
    assert.ok(far.code === "outside_radius", far.code);
    assert.equal(far.details.delivery_radius_m, 3000);
    assert.ok(far.details.distance_m > 10_000, `about 11 km, got ${far.details.distance_m}`);
  });

  it("a malformed request is invalid per field and does not use the key up", async () => {
    const cart = cartOf(shop, [["ATTA", 1]]);
    const good = toOrderRequest(cart, DELIVERY);
    const bad = { ...good, items: [{ ...good.items[0]!, quantity: 0 }], delivery: { ...DELIVERY, address: "x" } };
    const key = newKey();
    const invalid = expectKind(await checkout(customer.supabase, bad, key), "invalid");
    assert.equal(invalid.code, "invalid_request");
    assert.deepEqual(Object.keys(invalid.fields).sort(), ["delivery.address", "items.0.quantity"]);
    assert.ok(invalid.fields["items.0.quantity"]!.length > 0);
    // The same key with the corrected request places the order.
    expectKind(await checkout(customer.supabase, good, key), "placed");
  });

  it("the same key with another request is key_reused", async () => {
    const key = newKey();
    expectKind(await checkout(customer.supabase, toOrderRequest(cartOf(shop, [["DAHI", 1]]), DELIVERY), key), "placed");
    expectKind(await checkout(customer.supabase, toOrderRequest(cartOf(shop, [["DAHI", 2]]), DELIVERY), key), "key_reused");
  });

  it("no session is unauthorized, a merchant is refused, no network is retry", async () => {
    const request = toOrderRequest(cartOf(shop, [["DAHI", 1]]), DELIVERY);
    expectKind(await checkout(client(), request, newKey()), "unauthorized");

    const refused = expectKind(await checkout(shop.merchant.supabase, request, newKey()), "refused");
    assert.deepEqual([refused.status, refused.code], [403, "not_a_customer"]);

    // Nothing listens on port 9: the request never arrives, so the outbox keeps the key and retries.
    const offline = createClient<Database>("http://127.0.0.1:9", env.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: ws as never },
    });
    assert.deepEqual(await checkout(offline, request, newKey()), { kind: "retry", status: null });
  });

  it("the customer's pages: orders newest first, one order, its timeline and handover code", async () => {
    const buyer = await person("customer", "app-pages");
    const first = expectKind(await checkout(buyer.supabase, toOrderRequest(cartOf(shop, [["ATTA", 1]]), DELIVERY), newKey()), "placed").order;
    const second = expectKind(await checkout(buyer.supabase, toOrderRequest(cartOf(shop, [["DAHI", 3]]), DELIVERY), newKey()), "placed").order;

    const list = await myOrders(buyer.supabase);
    assert.deepEqual(list.map((o) => [o.id, o.status, o.total_paise]), [
      [second.id, "pending", second.total_paise],
      [first.id, "pending", first.total_paise],
    ]);
    assert.equal(list[0]!.store?.name, "app-orders Kirana");
    assert.deepEqual(list[0]!.order_items.map((i) => [i.sku, i.quantity]), [["DAHI", 3]]);
    assert.deepEqual((await myOrders(buyer.supabase, { limit: 1, before: second.created_at })).map((o) => o.id), [first.id]);

    assert.equal((await shop.merchant.supabase.rpc("accept_order", { order_id: first.id })).error, null);
    assert.equal((await getOrder(buyer.supabase, first.id))?.status, "accepted");
    const timeline = await orderTimeline(buyer.supabase, first.id);
    assert.deepEqual(timeline.map((e) => [e.previous_status, e.status, e.actor_id]), [
      [null, "pending", buyer.userId],
      ["pending", "accepted", shop.merchant.userId],
    ]);
    assert.match(await handoverCode(buyer.supabase, first.id), /^[0-9]{4}$/);

    // Someone else's order does not exist for them.
    assert.equal(await getOrder(customer.supabase, first.id), null);
    assert.deepEqual(await orderTimeline(customer.supabase, first.id), []);
    await assert.rejects(handoverCode(customer.supabase, first.id), (e) => e instanceof Refused && e.status === 404 && e.code === "order_not_found");

    // The customer may cancel only while the store has not answered.
    assert.equal((await cancelOrder(buyer.supabase, second.id)).status, "cancelled");
    await assert.rejects(cancelOrder(buyer.supabase, first.id), (e) => e instanceof Refused && e.status === 409 && e.code === "invalid_transition");
  });
});

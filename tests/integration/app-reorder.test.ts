// Ordering a past order again (app/src/lib/orders/reorder.ts) against the stack: currentOffer()
// reads the store and its products as the customer may see them; and ordering the same from
// another store (app/src/lib/orders/elsewhere.ts). The pure parts, reorder() and linesAt(), are
// tested beside them (reorder.test.ts).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { linesAt, storesForOrder } from "../../app/src/lib/orders/elsewhere.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import { currentOffer, reorder } from "../../app/src/lib/orders/reorder.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder } from "../support/orders.js";

const sql = db();
after(() => sql.end());

describe("ordering again", () => {
  it("reads the store and only the products it still lists, as the customer", async () => {
    const shop = await openShop(sql, "app-reorder", [
      { sku: "ATTA", price_paise: 25000, stock: 10 },
      { sku: "DAL", price_paise: 14000, stock: 10 },
    ]);
    await sql`update public.products set is_active = false where id = ${shop.product.DAL!}`;
    const customer = await person("customer", "app-reorder-buyer");
    const offer = await currentOffer(customer.supabase, shop.storeId, [shop.product.ATTA!, shop.product.DAL!]);
    assert.deepEqual(offer.store, { id: shop.storeId, name: "app-reorder Kirana", is_open: true });
    assert.deepEqual(offer.products.map((p) => [p.name, p.price_paise]), [["Product ATTA", 25000]]);
  });
});

describe("ordering the same from another store", () => {
  it("offers a rejected order's customer the stores nearby that sell its products, and fills a cart there", async () => {
    // SKUs of this test only, so other tests' shops nearby never match.
    const tag = randomUUID().slice(0, 6).toUpperCase();
    const [a, d] = [`ATTA-${tag}`, `DAL-${tag}`];
    const rejecting = await openShop(sql, "app-elsewhere-a", [{ sku: a, price_paise: 25000, stock: 10 }, { sku: d, price_paise: 14000, stock: 10 }]);
    const other = await openShop(sql, "app-elsewhere-b", [{ sku: a, price_paise: 26000, stock: 10 }, { sku: d, price_paise: 14000, stock: 10 }]);
    const customer = await person("customer", "app-elsewhere-buyer");
    const order = await placeOrder(customer, orderRequest(rejecting, [[a, 2], [d, 1]]));
    const rejected = await rejecting.merchant.supabase.rpc("reject_order", { order_id: order.id, reason: "Closing early" });
    assert.equal(rejected.error, null, rejected.error?.message);

    const stores = await storesForOrder(customer.supabase, order.id);
    assert.deepEqual(
      stores.map((s) => [s.name, s.items_found, s.items_total]),
      [["app-elsewhere-b Kirana", 2, 2]],
    );
    const lines = order.items.map((i) => ({
      product_id: i.product_id,
      sku: i.sku,
      product_name: `Product ${i.sku}`,
      unit_price_paise: i.unit_price_paise,
      quantity: i.quantity,
      if_unavailable: "remove" as const,
      unavailable: false,
    }));
    const there = linesAt(lines, stores[0]!.products);
    const offer = await currentOffer(customer.supabase, other.storeId, there.flatMap((l) => (l.product_id ? [l.product_id] : [])));
    const answer = reorder(offer.store!, there, offer.products);
    assert.ok(answer.ok);
    assert.equal(answer.cart.store?.id, other.storeId);
    assert.deepEqual(answer.cart.lines.map((l) => [l.name, l.quantity, l.pricePaise]), [[`Product ${a}`, 2, 26000], [`Product ${d}`, 1, 14000]]);

    const stranger = await person("customer", "app-elsewhere-stranger");
    await assert.rejects(storesForOrder(stranger.supabase, order.id), (e: unknown) => e instanceof Refused && e.status === 404 && e.code === "order_not_found");
  });
});

// Ordering a past order again (app/src/lib/orders/reorder.ts): reorder() is pure, currentOffer()
// reads the store and its products as the customer may see them; and ordering the same from
// another store (app/src/lib/orders/elsewhere.ts).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { linesAt, storesForOrder } from "../../app/src/lib/orders/elsewhere.js";
import { Refused } from "../../app/src/lib/orders/refusal.js";
import { currentOffer, reorder, type PastLine } from "../../app/src/lib/orders/reorder.js";
import { db } from "../support/env.js";
import { openShop, orderRequest, person, placeOrder } from "../support/orders.js";

const sql = db();
after(() => sql.end());

const atta = randomUUID();
const dal = randomUUID();
const rice = randomUUID();
const line = (product_id: string | null, name: string, unit_price_paise: number, quantity: number, unavailable = false): PastLine => ({
  product_id,
  product_name: name,
  unit_price_paise,
  quantity,
  if_unavailable: "remove",
  unavailable,
});
const store = { id: randomUUID(), name: "Sharma Kirana", is_open: true };
const product = (id: string, name: string, price_paise: number, stock = 5) => ({ id, name, unit: "1 kg", price_paise, stock });

describe("ordering again", () => {
  it("puts what is still sold into a new cart at today's prices and says what changed", () => {
    const past = [line(atta, "Atta", 25000, 2), line(dal, "Dal", 14000, 1), line(rice, "Rice", 9000, 3), line(null, "Old soap", 3000, 1)];
    const answer = reorder(store, past, [product(atta, "Atta", 26000), product(dal, "Dal", 14000, 0), product(rice, "Rice", 9000)]);
    assert.ok(answer.ok);
    assert.deepEqual(
      answer.cart.lines.map((l) => [l.productId, l.pricePaise, l.quantity]),
      [[atta, 26000, 2], [rice, 9000, 3]],
    );
    assert.deepEqual(answer.cart.store, { id: store.id, name: store.name });
    assert.deepEqual(answer.changes, [
      { kind: "price", name: "Atta", beforePaise: 25000, nowPaise: 26000 },
      { kind: "out_of_stock", name: "Dal" },
      { kind: "gone", name: "Old soap" },
    ]);
  });

  it("leaves out what the store left out when it accepted, and refuses a closed store or nothing left", () => {
    const past = [line(atta, "Atta", 25000, 1), line(dal, "Dal", 14000, 1, true)];
    const open = reorder(store, past, [product(atta, "Atta", 25000), product(dal, "Dal", 14000)]);
    assert.ok(open.ok);
    assert.deepEqual(open.cart.lines.map((l) => l.productId), [atta]);
    assert.deepEqual(open.changes, []);
    assert.deepEqual(reorder({ ...store, is_open: false }, past, [product(atta, "Atta", 25000)]), { ok: false, reason: "store_closed", changes: [] });
    assert.deepEqual(reorder(store, past, []), { ok: false, reason: "nothing_left", changes: [{ kind: "gone", name: "Atta" }] });
  });

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
  it("moves the order's lines to the other store's products by SKU; one it does not sell has none", () => {
    const moved = linesAt([{ ...line(atta, "Atta", 25000, 2), sku: "ATTA" }, { ...line(dal, "Dal", 14000, 1), sku: "DAL" }], { ATTA: rice });
    assert.deepEqual(moved, [line(rice, "Atta", 25000, 2), line(null, "Dal", 14000, 1)]);
  });

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

// Ordering a past order again (reorder.ts) and the same from another store (elsewhere.ts):
// reorder() and linesAt() are pure logic, no server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { linesAt } from "./elsewhere.js";
import { reorder, type PastLine } from "./reorder.js";

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
});

describe("ordering the same from another store", () => {
  it("moves the order's lines to the other store's products by SKU; one it does not sell has none", () => {
    const moved = linesAt([{ ...line(atta, "Atta", 25000, 2), sku: "ATTA" }, { ...line(dal, "Dal", 14000, 1), sku: "DAL" }], { ATTA: rice });
    assert.deepEqual(moved, [line(rice, "Atta", 25000, 2), line(null, "Dal", 14000, 1)]);
  });
});

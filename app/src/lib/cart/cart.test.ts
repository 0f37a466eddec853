// The app's cart (app/src/lib/cart): pure logic, no server. One store at a time, the limits
// checkout enforces, switching store asked rather than done, a stored cart read back safely, and
// toOrderRequest giving exactly the body checkout validates.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  MAX_PRODUCTS,
  addItem,
  clearCart,
  displaySubtotalPaise,
  emptyCart,
  itemCount,
  loadCart,
  removeItem,
  saveCart,
  setQuantity,
  setSubstitution,
  toOrderRequest,
  validateOrderRequest,
  type Cart,
  type CartChange,
} from "./cart.js";
import { mergeCarts } from "./cookie.js";

const shopA = { id: randomUUID(), name: "Patil Kirana" };
const shopB = { id: randomUUID(), name: "Joshi Dairy" };
const atta = { id: randomUUID(), name: "Atta 5 kg", pricePaise: 28500, unit: "5 kg" };
const dahi = { id: randomUUID(), name: "Dahi 400 g", pricePaise: 3500 };

function ok(change: CartChange): Cart {
  assert.ok(change.ok, `expected the change to be made, got ${JSON.stringify(change)}`);
  return change.cart;
}

describe("cart", () => {
  it("adds products of one store, adding up repeated products", () => {
    let cart = ok(addItem(emptyCart(), shopA, atta));
    cart = ok(addItem(cart, shopA, dahi, 2));
    cart = ok(addItem(cart, shopA, atta, 2));
    assert.deepEqual(cart.store, shopA);
    assert.deepEqual(cart.lines.map((l) => [l.productId, l.quantity, l.ifUnavailable, l.unit]), [
      [atta.id, 3, "remove", "5 kg"],
      [dahi.id, 2, "remove", null],
    ]);
    assert.equal(itemCount(cart), 5);
    assert.equal(displaySubtotalPaise(cart), 3 * 28500 + 2 * 3500);
  });

  it("asks before switching store: another store's product is refused and the cart kept", () => {
    const cart = ok(addItem(emptyCart(), shopA, atta));
    const change = addItem(cart, shopB, dahi);
    assert.deepEqual(change, { ok: false, reason: "other_store", store: shopA });
    // Once the user agrees, the cart is cleared and the new store's product goes in.
    const switched = ok(addItem(clearCart(), shopB, dahi));
    assert.deepEqual(switched.store, shopB);
    assert.equal(switched.lines.length, 1);
  });

  it("keeps quantities within 1 to 100; 0 removes the line; the last line out frees the store", () => {
    let cart = ok(addItem(emptyCart(), shopA, atta, 100));
    assert.deepEqual(addItem(cart, shopA, atta), { ok: false, reason: "invalid_quantity", max: 100 });
    assert.deepEqual(addItem(cart, shopA, dahi, 0), { ok: false, reason: "invalid_quantity", max: 100 });
    assert.deepEqual(addItem(cart, shopA, dahi, 1.5), { ok: false, reason: "invalid_quantity", max: 100 });
    assert.deepEqual(setQuantity(cart, atta.id, 101), { ok: false, reason: "invalid_quantity", max: 100 });
    assert.deepEqual(setQuantity(cart, atta.id, -1), { ok: false, reason: "invalid_quantity", max: 100 });
    cart = ok(setQuantity(cart, atta.id, 7));
    assert.equal(cart.lines[0]!.quantity, 7);
    cart = ok(addItem(cart, shopA, dahi));
    cart = removeItem(cart, dahi.id);
    assert.equal(cart.lines.length, 1);
    cart = ok(setQuantity(cart, atta.id, 0));
    assert.deepEqual(cart, emptyCart());
    // Empty again: any store's product may come in.
    assert.ok(addItem(cart, shopB, dahi).ok);
  });

  it("holds at most 50 distinct products", () => {
    let cart = emptyCart();
    for (let i = 0; i < MAX_PRODUCTS; i++) cart = ok(addItem(cart, shopA, { id: randomUUID(), name: `P${i}`, pricePaise: 100 }));
    assert.deepEqual(addItem(cart, shopA, { id: randomUUID(), name: "one more", pricePaise: 100 }), {
      ok: false,
      reason: "too_many_products",
      max: 50,
    });
    // More of a product already in the cart is still fine.
    assert.ok(addItem(cart, shopA, { id: cart.lines[0]!.productId, name: "P0", pricePaise: 100 }).ok);
  });

  it("records a substitution preference per item", () => {
    let cart = ok(addItem(emptyCart(), shopA, atta, 1, "substitute"));
    cart = ok(addItem(cart, shopA, dahi));
    cart = setSubstitution(cart, dahi.id, "substitute");
    cart = setSubstitution(cart, atta.id, "remove");
    assert.deepEqual(cart.lines.map((l) => l.ifUnavailable), ["remove", "substitute"]);
  });

  it("toOrderRequest gives exactly checkout's body, cash on delivery", () => {
    let cart = ok(addItem(emptyCart(), shopA, atta, 2));
    cart = ok(addItem(cart, shopA, dahi, 1, "substitute"));
    const delivery = { address: "7 Karve Road, Pune", lat: 18.5204, lng: 73.8567 };
    assert.deepEqual(toOrderRequest(cart, delivery), {
      store_id: shopA.id,
      items: [
        { product_id: atta.id, quantity: 2, if_unavailable: "remove" },
        { product_id: dahi.id, quantity: 1, if_unavailable: "substitute" },
      ],
      delivery,
      payment_method: "cod",
    });
    const withOptions = toOrderRequest(cart, delivery, { notes: "Ring twice", expectedTotalPaise: 61000 });
    assert.equal(withOptions.notes, "Ring twice");
    assert.equal(withOptions.expected_total_paise, 61000);
    assert.equal(validateOrderRequest(withOptions), null);
  });

  it("validateOrderRequest reports per field, as checkout's 400 does", () => {
    const cart = ok(addItem(emptyCart(), shopA, atta));
    const fields = validateOrderRequest(toOrderRequest(cart, { address: " 7 ", lat: 91, lng: 73.8 }, { notes: "x".repeat(501) }));
    assert.deepEqual(Object.keys(fields ?? {}).sort(), ["delivery.address", "delivery.lat", "notes"]);
    const empty = validateOrderRequest(toOrderRequest(emptyCart(), { address: "7 Karve Road", lat: 18.5, lng: 73.8 }));
    assert.deepEqual(Object.keys(empty ?? {}).sort(), ["items", "store_id"]);
  });

  it("a stored cart comes back as it was; a corrupted one as an empty cart", () => {
    let cart = ok(addItem(emptyCart(), shopA, atta, 3, "substitute"));
    cart = ok(addItem(cart, shopA, dahi));
    assert.deepEqual(loadCart(saveCart(cart)), cart);
    assert.deepEqual(loadCart(JSON.parse(saveCart(cart))), cart);

    const stored = JSON.parse(saveCart(cart));
    const corrupted: unknown[] = [
      null,
      undefined,
      "",
      "{not json",
      saveCart(cart).slice(0, 40),
      42,
      [],
      { ...stored, version: 2 },
      { ...stored, store: null },
      { ...stored, lines: [] },
      { ...stored, lines: [{ ...stored.lines[0], quantity: 0 }] },
      { ...stored, lines: [{ ...stored.lines[0], quantity: 101 }] },
      { ...stored, lines: [{ ...stored.lines[0], ifUnavailable: "refund" }] },
      { ...stored, lines: [{ ...stored.lines[0], productId: "not-a-uuid" }] },
      { ...stored, lines: [stored.lines[0], stored.lines[0]] },
      { ...stored, lines: Array.from({ length: 51 }, () => ({ ...stored.lines[0], productId: randomUUID() })) },
    ];
    for (const value of corrupted) assert.deepEqual(loadCart(value), emptyCart(), `for ${JSON.stringify(value)?.slice(0, 80)}`);
  });

  it("the cart a browser kept without JavaScript joins the device's cart; another store's replaces it", () => {
    const device = ok(addItem(ok(addItem(emptyCart(), shopA, atta, 2)), shopA, dahi));
    const kept = ok(addItem(emptyCart(), shopA, atta));
    const merged = mergeCarts(device, kept);
    assert.deepEqual(merged.lines.map((l) => [l.name, l.quantity]), [["Atta 5 kg", 3], ["Dahi 400 g", 1]]);
    assert.deepEqual(mergeCarts(device, emptyCart()), device);
    assert.deepEqual(mergeCarts(emptyCart(), kept), kept);
    const other = ok(addItem(emptyCart(), shopB, { id: randomUUID(), name: "Paneer 200 g", pricePaise: 9000 }, 2));
    assert.deepEqual(mergeCarts(device, other), other);
  });
});

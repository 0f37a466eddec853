// The cart a device keeps between visits: plain data (JSON in and out), one store at a time,
// within the limits checkout enforces (1 to 50 distinct products, 1 to 100 of each), so what the
// cart allows is what checkout accepts. Every change returns a new cart; nothing here talks to
// the server, and the prices held are for display only: quote_order says what an order costs.
import {
  delivery,
  fieldErrors,
  MAX_PRODUCTS,
  MAX_QUANTITY,
  orderRequestOf,
  quantity,
  substitution,
  type Delivery,
  type FieldErrors,
  type OrderRequest,
  type Substitution,
} from "../../../../supabase/functions/_shared/contracts/checkout.ts";
import { t } from "../i18n/index.js";
import { z } from "../zod.js";

export { fieldErrors, MAX_PRODUCTS, MAX_QUANTITY, type Delivery, type FieldErrors, type OrderRequest, type Substitution };

const cartLine = z.object({
  productId: z.uuid(),
  name: z.string(),
  unit: z.nullable(z.string()),
  /** The price shown when the product was added; the server's price is what counts. */
  pricePaise: z.int().check(z.gte(0)),
  quantity,
  ifUnavailable: substitution,
});
export type CartLine = z.infer<typeof cartLine>;

/** A cart as stored. A store only while it has lines; the version lets a later shape migrate. */
export const cartSchema = z
  .object({
    version: z.literal(1),
    store: z.nullable(z.object({ id: z.uuid(), name: z.string() })),
    lines: z.array(cartLine).check(z.maxLength(MAX_PRODUCTS)),
  })
  .check(
    z.refine((c) => (c.store === null) === (c.lines.length === 0), "a cart has a store exactly when it has lines"),
    z.refine((c) => new Set(c.lines.map((l) => l.productId.toLowerCase())).size === c.lines.length, "one line per product"),
  );
export type Cart = z.infer<typeof cartSchema>;

export interface StoreRef {
  id: string;
  name: string;
}

export interface ProductRef {
  id: string;
  name: string;
  pricePaise: number;
  unit?: string | null;
}

/** A change the cart could not make, for the screen to explain or ask about. */
export type CartRefusal =
  /** The cart holds another store's products: ask the user before clearing it (clearCart). */
  | { ok: false; reason: "other_store"; store: StoreRef }
  | { ok: false; reason: "too_many_products"; max: typeof MAX_PRODUCTS }
  | { ok: false; reason: "invalid_quantity"; max: typeof MAX_QUANTITY };
export type CartChange = { ok: true; cart: Cart } | CartRefusal;

export const emptyCart = (): Cart => ({ version: 1, store: null, lines: [] });

/** Empties the cart, as after the user agrees to switch store or an order is placed. */
export const clearCart = emptyCart;

/**
 * A cart read back from storage (JSON text or an already parsed value). Anything that is not a
 * valid cart (an old shape, a hand-edited or truncated entry) gives an empty cart: losing a
 * basket is better than a page that cannot load.
 */
export function loadCart(stored: unknown): Cart {
  let value = stored;
  if (typeof stored === "string") {
    try {
      value = JSON.parse(stored);
    } catch {
      return emptyCart();
    }
  }
  const parsed = cartSchema.safeParse(value);
  return parsed.success ? parsed.data : emptyCart();
}

/** The cart as text for localStorage or IndexedDB. */
export const saveCart = (cart: Cart): string => JSON.stringify(cart);

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Adds `count` of a product (to any already in the cart). A product of another store is refused
 * with `other_store` rather than emptying the cart behind the user's back.
 */
export function addItem(cart: Cart, store: StoreRef, product: ProductRef, count = 1, ifUnavailable: Substitution = "remove"): CartChange {
  if (cart.store && !sameId(cart.store.id, store.id)) return { ok: false, reason: "other_store", store: cart.store };
  const existing = cart.lines.find((l) => sameId(l.productId, product.id));
  const total = (existing?.quantity ?? 0) + count;
  if (!quantity.safeParse(count).success || total > MAX_QUANTITY) return { ok: false, reason: "invalid_quantity", max: MAX_QUANTITY };
  if (existing) {
    return { ok: true, cart: { ...cart, lines: cart.lines.map((l) => (l === existing ? { ...l, quantity: total } : l)) } };
  }
  if (cart.lines.length >= MAX_PRODUCTS) return { ok: false, reason: "too_many_products", max: MAX_PRODUCTS };
  const line = cartLine.parse({
    productId: product.id,
    name: product.name,
    unit: product.unit ?? null,
    pricePaise: product.pricePaise,
    quantity: count,
    ifUnavailable,
  });
  return { ok: true, cart: { version: 1, store: cart.store ?? { id: store.id, name: store.name }, lines: [...cart.lines, line] } };
}

/** Sets a line's quantity; 0 removes it. A product not in the cart leaves it as it is. */
export function setQuantity(cart: Cart, productId: string, count: number): CartChange {
  if (count === 0) return { ok: true, cart: removeItem(cart, productId) };
  if (!quantity.safeParse(count).success) return { ok: false, reason: "invalid_quantity", max: MAX_QUANTITY };
  return { ok: true, cart: { ...cart, lines: cart.lines.map((l) => (sameId(l.productId, productId) ? { ...l, quantity: count } : l)) } };
}

/** Removes a product; the last one out leaves an empty cart free for any store. */
export function removeItem(cart: Cart, productId: string): Cart {
  const lines = cart.lines.filter((l) => !sameId(l.productId, productId));
  return lines.length === 0 ? emptyCart() : { ...cart, lines };
}

/** What the store should do if it cannot supply this product: drop it, or pick a close substitute. */
export function setSubstitution(cart: Cart, productId: string, ifUnavailable: Substitution): Cart {
  return { ...cart, lines: cart.lines.map((l) => (sameId(l.productId, productId) ? { ...l, ifUnavailable } : l)) };
}

/** Units in the cart, for the badge. */
export const itemCount = (cart: Cart): number => cart.lines.reduce((n, l) => n + l.quantity, 0);

/** The items at the prices shown when added: an estimate until quote_order answers. */
export const displaySubtotalPaise = (cart: Cart): number => cart.lines.reduce((n, l) => n + l.pricePaise * l.quantity, 0);

// The checkout body is the Edge Function's own contract (supabase/functions/_shared/contracts):
// a form shows errors per field before sending, in the same shape as its 400, with the message
// read when the check fails so it comes in the language of the request.
export const orderRequestSchema = orderRequestOf({ listOnce: { error: () => t.checks.listOnce } });
export { delivery as deliverySchema };

/** Checks a request as checkout would: null when it is valid, else the errors per field. */
export function validateOrderRequest(request: unknown): FieldErrors | null {
  const parsed = orderRequestSchema.safeParse(request);
  return parsed.success ? null : fieldErrors(parsed.error);
}

/**
 * Exactly the body POST /functions/v1/checkout takes for this cart (cash on delivery). Not
 * validated here: an empty cart or a bad address is for validateOrderRequest (or the server's
 * 400) to report per field. `expectedTotalPaise` is the total the user saw in the quote; a
 * different total at checkout is a 409 price_changed instead of a surprise.
 */
export function toOrderRequest(
  cart: Cart,
  delivery: Delivery,
  options: { notes?: string; expectedTotalPaise?: number } = {},
): OrderRequest {
  return {
    store_id: cart.store?.id ?? "",
    items: cart.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity, if_unavailable: l.ifUnavailable })),
    delivery: { address: delivery.address, lat: delivery.lat, lng: delivery.lng, ...(delivery.phone ? { phone: delivery.phone } : {}) },
    ...(options.notes !== undefined && options.notes.trim() !== "" ? { notes: options.notes } : {}),
    ...(options.expectedTotalPaise !== undefined ? { expected_total_paise: options.expectedTotalPaise } : {}),
    payment_method: "cod",
  };
}

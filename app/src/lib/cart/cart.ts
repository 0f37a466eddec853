// The cart a device keeps between visits: plain data (JSON in and out), one store at a time,
// within the limits checkout enforces (1 to 50 distinct products, 1 to 100 of each), so what the
// cart allows is what checkout accepts. Every change returns a new cart; nothing here talks to
// the server, and the prices held are for display only: quote_order says what an order costs.
import { z } from "zod";
import { Constants } from "../database.types.js";
import { t } from "../i18n/index.js";

export const MAX_PRODUCTS = 50;
export const MAX_QUANTITY = 100;

export type Substitution = (typeof Constants.public.Enums.substitution_preference)[number];

const substitution = z.enum(Constants.public.Enums.substitution_preference);
const quantity = z.int().min(1).max(MAX_QUANTITY);

const cartLine = z.object({
  productId: z.uuid(),
  name: z.string(),
  unit: z.string().nullable(),
  /** The price shown when the product was added; the server's price is what counts. */
  pricePaise: z.int().min(0),
  quantity,
  ifUnavailable: substitution,
});
export type CartLine = z.infer<typeof cartLine>;

/** A cart as stored. A store only while it has lines; the version lets a later shape migrate. */
export const cartSchema = z
  .object({
    version: z.literal(1),
    store: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    lines: z.array(cartLine).max(MAX_PRODUCTS),
  })
  .refine((c) => (c.store === null) === (c.lines.length === 0), "a cart has a store exactly when it has lines")
  .refine((c) => new Set(c.lines.map((l) => l.productId.toLowerCase())).size === c.lines.length, "one line per product");
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

// The checkout body, as the Edge Function validates it (supabase/functions/checkout): the same
// rules here let a form show errors per field before sending, in the same shape as its 400.
export const deliverySchema = z.object({
  address: z.string().refine((a) => a.trim().length >= 5 && a.trim().length <= 300, "Give 5 to 300 characters."),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  /** The rider calls it at the door; a saved address always has one. */
  phone: z.string().regex(/^\+?[0-9]{10,15}$/, "Give 10 to 15 digits, with an optional leading +.").optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const orderRequestSchema = z.strictObject({
  store_id: z.uuid(),
  items: z
    .array(z.strictObject({ product_id: z.uuid(), quantity, if_unavailable: substitution.optional() }))
    .min(1)
    .max(MAX_PRODUCTS)
    .refine((items) => new Set(items.map((i) => i.product_id.toLowerCase())).size === items.length, {
      error: () => t.checks.listOnce,
    }),
  delivery: z.strictObject(deliverySchema.shape),
  notes: z.string().max(500).nullish(),
  expected_total_paise: z.int().min(0).max(999_999_999).nullish(),
  payment_method: z.literal("cod"),
});
export type OrderRequest = z.infer<typeof orderRequestSchema>;

/** Errors by field path ("items.0.quantity", "delivery.address"), as checkout's 400 gives them. */
export type FieldErrors = Record<string, string[]>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) (fields[issue.path.map(String).join(".") || "(body)"] ??= []).push(issue.message);
  return fields;
}

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

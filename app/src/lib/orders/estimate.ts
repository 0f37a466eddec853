// Checkout offline. With no network there is no quote_order to ask, so the phone works the total
// out from what the server told it last: each product's price when it went into the cart, and the
// store's delivery terms (fees and minimum order, for the chosen location) kept when its page was
// opened online. It is only an estimate: it goes to checkout as expected_total_paise, so a total
// that differs on the server is a 409 price_changed waiting for the customer on the pending
// screen, never an order placed at a price nobody saw.
import { z } from "../zod.js";
import { displaySubtotalPaise, type Cart } from "../cart/cart.js";
import { deliveryTermsSchema, type DeliveryTerms } from "./orders.js";

const KEY = "kirana.terms";
/** The last stores opened are enough: a cart holds one store's products. */
const MAX_KEPT = 20;

type Storage = Pick<globalThis.Storage, "getItem" | "setItem">;

function allKept(storage: Storage): DeliveryTerms[] {
  try {
    const parsed = z.array(deliveryTermsSchema).safeParse(JSON.parse(storage.getItem(KEY) ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

const sameStore = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Keeps a store's terms (the newest replace the store's older ones). */
export function keepTerms(storage: Storage, terms: DeliveryTerms): void {
  const others = allKept(storage).filter((t) => !sameStore(t.store_id, terms.store_id));
  storage.setItem(KEY, JSON.stringify([terms, ...others].slice(0, MAX_KEPT)));
}

/** The store's kept terms, or null when its page was never opened online with a location. */
export const keptTerms = (storage: Storage, storeId: string): DeliveryTerms | null =>
  allKept(storage).find((t) => sameStore(t.store_id, storeId)) ?? null;

/** The breakdown a checkout shows: a server quote, or an estimate. */
export interface Breakdown {
  lines: { product_id: string; name: string | null; quantity: number; line_total_paise: number }[];
  subtotal_paise: number;
  /** Null in an estimate without terms: the fees are worked out when the order is sent. */
  delivery_fee_paise: number | null;
  small_order_fee_paise: number | null;
  minimum_order_paise: number | null;
  total_paise: number;
}

/** The cart at its kept prices with the kept fees, as quote_order would add them up. */
export function estimate(cart: Cart, terms: DeliveryTerms | null): Breakdown {
  const subtotal = displaySubtotalPaise(cart);
  const smallOrderFee = terms && (subtotal < terms.minimum_order_paise ? terms.small_order_fee_paise : 0);
  return {
    lines: cart.lines.map((l) => ({ product_id: l.productId, name: l.name, quantity: l.quantity, line_total_paise: l.pricePaise * l.quantity })),
    subtotal_paise: subtotal,
    delivery_fee_paise: terms?.delivery_fee_paise ?? null,
    small_order_fee_paise: smallOrderFee,
    minimum_order_paise: terms?.minimum_order_paise ?? null,
    total_paise: subtotal + (terms?.delivery_fee_paise ?? 0) + (smallOrderFee ?? 0),
  };
}

// Ordering a past order again ("Order again" after a refusal, "Buy again" after a delivery): the
// items the store still sells go into a fresh cart at today's prices, and the customer is told
// what changed. reorder() is pure; currentOffer() reads the store and its products over REST under
// the customer's row-level security (an inactive product is not visible, so it counts as gone).
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import { addItem, emptyCart, type Cart, type Substitution } from "../cart/cart.js";
import type { Database } from "../database.types.js";
import { dataOf } from "./refusal.js";

/** A line of the past order, as the order page loads it. */
export interface PastLine {
  product_id: string | null;
  product_name: string;
  unit_price_paise: number;
  quantity: number;
  if_unavailable: Substitution;
  /** Left out by the store when it accepted: not part of what came. */
  unavailable: boolean;
}

const currentProduct = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.nullable(z.string()),
  price_paise: z.number(),
  stock: z.number(),
});
export type CurrentProduct = z.infer<typeof currentProduct>;

const storeNow = z.object({ id: z.string(), name: z.string(), is_open: z.boolean() });
export type StoreNow = z.infer<typeof storeNow>;

export type ReorderChange =
  | { kind: "gone"; name: string }
  | { kind: "out_of_stock"; name: string }
  | { kind: "price"; name: string; beforePaise: number; nowPaise: number };

export type Reorder =
  /** The cart to put in place, and what differs from the past order. */
  | { ok: true; cart: Cart; changes: ReorderChange[] }
  | { ok: false; reason: "store_closed" | "nothing_left"; changes: ReorderChange[] };

/** The past order's lines that the store still sells with stock, at today's prices, in a new cart. */
export function reorder(store: StoreNow, lines: readonly PastLine[], products: readonly CurrentProduct[]): Reorder {
  const byId = new Map(products.map((p) => [p.id.toLowerCase(), p]));
  const changes: ReorderChange[] = [];
  let cart = emptyCart();
  for (const line of lines) {
    if (line.unavailable) continue;
    const now = line.product_id ? byId.get(line.product_id.toLowerCase()) : undefined;
    if (!now) {
      changes.push({ kind: "gone", name: line.product_name });
      continue;
    }
    if (now.stock <= 0) {
      changes.push({ kind: "out_of_stock", name: now.name });
      continue;
    }
    if (now.price_paise !== line.unit_price_paise) changes.push({ kind: "price", name: now.name, beforePaise: line.unit_price_paise, nowPaise: now.price_paise });
    const added = addItem(cart, store, { id: now.id, name: now.name, unit: now.unit, pricePaise: now.price_paise }, line.quantity, line.if_unavailable);
    // A product listed twice (a substitute of another line) adds up; past the cart's limits, leave it.
    if (added.ok) cart = added.cart;
  }
  if (!store.is_open) return { ok: false, reason: "store_closed", changes };
  if (cart.lines.length === 0) return { ok: false, reason: "nothing_left", changes };
  return { ok: true, cart, changes };
}

/** The store as it is now and those of `productIds` it still lists, as the customer sees them. */
export async function currentOffer(
  supabase: SupabaseClient<Database>,
  storeId: string,
  productIds: readonly string[],
): Promise<{ store: StoreNow | null; products: CurrentProduct[] }> {
  const id = z.uuid().parse(storeId);
  const ids = z.array(z.uuid()).check(z.maxLength(100)).parse(productIds);
  const [store, products] = await Promise.all([
    supabase.from("stores").select("id, name, is_open").eq("id", id).maybeSingle(),
    ids.length === 0
      ? Promise.resolve({ data: [], error: null, status: 200 })
      : supabase.from("products").select("id, name, unit, price_paise, stock").eq("store_id", id).eq("is_active", true).in("id", ids),
  ]);
  const found = dataOf(store);
  return { store: found ? storeNow.parse(found) : null, products: z.array(currentProduct).parse(dataOf(products)) };
}

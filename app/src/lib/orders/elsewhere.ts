// Ordering what a rejected, cancelled or expired order held from another store: the stores near
// its address that are open and sell its products (stores_for_order), and the order's lines moved
// to one of them by SKU, for "Order again" there (reorder() then says what that store lacks).
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import { dataOf } from "./refusal.js";
import type { PastLine } from "./reorder.js";

const storeForOrder = z.object({
  store_id: z.string(),
  name: z.string(),
  distance_m: z.number(),
  eta_minutes: z.number(),
  rating: z.nullable(z.number()),
  rating_count: z.number(),
  items_found: z.number(),
  items_total: z.number(),
  /** The store's product id for each of the order's SKUs it has in stock. */
  products: z.record(z.string(), z.string()),
});
export type StoreForOrder = z.infer<typeof storeForOrder>;

/** Up to three other stores for the caller's order, those with most of its products first. */
export async function storesForOrder(supabase: SupabaseClient<Database>, orderId: string): Promise<StoreForOrder[]> {
  const rows = dataOf(await supabase.rpc("stores_for_order", { order_id: z.uuid().parse(orderId) }));
  return z.array(storeForOrder).parse(rows);
}

/** The order's lines as that store's products (by SKU); a line it does not sell has no product. */
export function linesAt(lines: readonly (PastLine & { sku: string })[], products: Record<string, string>): PastLine[] {
  return lines.map(({ sku, ...line }) => ({ ...line, product_id: products[sku] ?? null }));
}

// A store's products as the customer sees them, in aisle order.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { dataOf } from "../orders/refusal.js";

export type StoreProduct = Pick<Database["public"]["Tables"]["products"]["Row"], "id" | "name" | "local_name" | "category" | "unit" | "price_paise" | "stock" | "image_path">;

/** Row-level security shows approved stores' active products only. */
export async function storeProducts(supabase: SupabaseClient<Database>, storeId: string): Promise<StoreProduct[]> {
  return dataOf(
    await supabase.from("products").select("id, name, local_name, category, unit, price_paise, stock, image_path").eq("store_id", storeId).eq("is_active", true).order("category").order("name"),
  );
}

/** What a product's thumbnail needs: its photo, and its aisle for the tile shown without one. */
export type ProductThumb = Pick<Database["public"]["Tables"]["products"]["Row"], "image_path" | "category">;

/**
 * The thumbnails of products named elsewhere (a cart, search hits, an order's items), by id. A
 * product the person may no longer see is left out: its row shows without a picture.
 */
export async function productThumbs(supabase: SupabaseClient<Database>, ids: readonly string[]): Promise<Record<string, ProductThumb>> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  if (unique.length === 0) return {};
  const rows = dataOf(await supabase.from("products").select("id, image_path, category").in("id", unique));
  return Object.fromEntries(rows.map((r) => [r.id.toLowerCase(), { image_path: r.image_path, category: r.category }]));
}

// A store's products as the customer sees them, in aisle order.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { dataOf } from "../orders/refusal.js";

export type StoreProduct = Pick<Database["public"]["Tables"]["products"]["Row"], "id" | "name" | "local_name" | "category" | "unit" | "price_paise" | "stock">;

/** Row-level security shows approved stores' active products only. */
export async function storeProducts(supabase: SupabaseClient<Database>, storeId: string): Promise<StoreProduct[]> {
  return dataOf(
    await supabase.from("products").select("id, name, local_name, category, unit, price_paise, stock").eq("store_id", storeId).eq("is_active", true).order("category").order("name"),
  );
}

import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import { Constants, type Database } from "../database.types.js";
import { dataOf, validRows } from "../orders/refusal.js";
import { t } from "../i18n/index.js";

type Functions = Database["public"]["Functions"];
export type StoreCategory = Database["public"]["Enums"]["store_category"];

// The limits below are the ones private.check_discovery_input and private.find_products enforce,
// so a form shows the same message before any request that the database would answer with.
// Messages are read when a check fails, so they come in the language of the moment.
const latitude = { error: () => t.checks.latitude };
const longitude = { error: () => t.checks.longitude };
const radius = { error: () => t.checks.radius };
const results = { error: () => t.checks.maxResults };
const lat = z.number().check(z.gte(-90, latitude), z.lte(90, latitude));
const lng = z.number().check(z.gte(-180, longitude), z.lte(180, longitude));
const radiusM = z.int().check(z.gte(0, radius), z.lte(50000, radius));
const maxResults = z.int().check(z.gte(1, results), z.lte(100, results));

export const nearbyStoresInput = z.object({
  lat,
  lng,
  radiusM: z._default(radiusM, 3000),
  maxResults: z._default(maxResults, 20),
  category: z.optional(z.enum(Constants.public.Enums.store_category)),
  /** Open stores only, as the database defaults to. */
  openNow: z._default(z.boolean(), true),
});
export type NearbyStoresInput = z.input<typeof nearbyStoresInput>;

export const searchQuery = z.string().check(
  z.refine((q) => q.trim() !== "", { error: () => t.checks.searchEmpty }),
  z.refine((q) => q.length <= 100, { error: () => t.checks.searchLong }),
  // The database splits queries on anything but letters and digits: "!!!" finds nothing.
  z.refine((q) => /[\p{L}\p{N}]/u.test(q), { error: () => t.checks.searchLetters }),
);

export const searchProductsInput = z.object({
  query: searchQuery,
  lat,
  lng,
  radiusM: z._default(radiusM, 3000),
  maxResults: z._default(maxResults, 20),
});
export type SearchProductsInput = z.input<typeof searchProductsInput>;

// nearby_store is a composite type, so the generated type makes every field nullable; the
// function fills them all but rating (a store nobody has rated yet, with a rating_count of 0).
const nearbyStore = z.object({
  id: z.string(),
  name: z.string(),
  category: z.enum(Constants.public.Enums.store_category),
  distance_m: z.number(),
  eta_minutes: z.number(),
  is_open: z.boolean(),
  rating: z.nullable(z.number()),
  rating_count: z.number(),
});
export type NearbyStore = z.infer<typeof nearbyStore>;

const productHit = z.object({
  product_id: z.string(),
  product_name: z.string(),
  price_paise: z.number(),
  in_stock: z.boolean(),
  store_id: z.string(),
  store_name: z.string(),
  distance_m: z.number(),
  rank: z.number(),
  store_rating: z.nullable(z.number()),
  store_rating_count: z.number(),
  product_local_name: z.nullable(z.string()),
  // The generated type makes every column of a `returns table` not null; a store nobody rated
  // has no rating, a product without a local name none.
}) satisfies z.ZodMiniType<
  Omit<Functions["search_products"]["Returns"][number], "store_rating" | "product_local_name"> & { store_rating: number | null; product_local_name: string | null }
>;
export type ProductHit = z.infer<typeof productHit>;

/**
 * Approved stores that deliver to the point, nearest first, with distance (m) and ETA (minutes).
 * Throws a ZodError for input the database would refuse, a Refused for anything it refuses.
 */
export async function nearbyStores(supabase: SupabaseClient<Database>, input: NearbyStoresInput): Promise<NearbyStore[]> {
  const i = nearbyStoresInput.parse(input);
  const args: Functions["nearby_stores"]["Args"] = {
    lat: i.lat,
    lng: i.lng,
    radius_m: i.radiusM,
    max_results: i.maxResults,
    open_now: i.openNow,
    ...(i.category ? { category: i.category } : {}),
  };
  const rows = dataOf(await supabase.rpc("nearby_stores", args));
  return validRows(nearbyStore, rows, "nearby_stores");
}

/** In-stock products matching every word of the query (typos and synonyms allowed) in the nearest open stores, best first. */
export async function searchProducts(supabase: SupabaseClient<Database>, input: SearchProductsInput): Promise<ProductHit[]> {
  const i = searchProductsInput.parse(input);
  const rows = dataOf(
    await supabase.rpc("search_products", {
      query: i.query,
      lat: i.lat,
      lng: i.lng,
      radius_m: i.radiusM,
      max_results: i.maxResults,
    }),
  );
  return validRows(productHit, rows, "search_products");
}

import { productThumbs, type ProductThumb } from "$lib/catalogue/products";
import { searchProducts, searchQuery, type ProductHit } from "$lib/discovery/discovery";
import { logLoadFailure } from "$lib/server/failure";
import { readLocation } from "../location";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, cookies, url, route }) => {
  const q = url.searchParams.get("q");
  const location = readLocation(cookies);
  const none = { q: q ?? "", hasLocation: location !== null, hits: null as ProductHit[] | null, thumbs: {} as Awaited<ReturnType<typeof productThumbs>>, invalid: undefined as string | undefined, failed: false };
  if (q === null || !location) return none;
  const checked = searchQuery.safeParse(q);
  if (!checked.success) return { ...none, invalid: checked.error.issues[0]!.message };
  try {
    const hits = await searchProducts(locals.supabase, { query: checked.data, lat: location.lat, lng: location.lng });
    // The hits show without pictures when these cannot be read.
    const thumbs = await productThumbs(locals.supabase, hits.map((h) => h.product_id)).catch((): Record<string, ProductThumb> => ({}));
    return { ...none, hits, thumbs };
  } catch (e) {
    logLoadFailure(route, `search "${checked.data}"`, e);
    return { ...none, failed: true };
  }
};

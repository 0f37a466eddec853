import { searchProducts, searchQuery, type ProductHit } from "$lib/discovery/discovery";
import { readLocation } from "../location";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, cookies, url }) => {
  const q = url.searchParams.get("q");
  const location = readLocation(cookies);
  const none = { q: q ?? "", hasLocation: location !== null, hits: null as ProductHit[] | null, invalid: undefined as string | undefined, failed: false };
  if (q === null || !location) return none;
  const checked = searchQuery.safeParse(q);
  if (!checked.success) return { ...none, invalid: checked.error.issues[0]!.message };
  try {
    return { ...none, hits: await searchProducts(locals.supabase, { query: checked.data, lat: location.lat, lng: location.lng }) };
  } catch (e) {
    console.error(`search "${checked.data}" failed:`, e);
    return { ...none, failed: true };
  }
};

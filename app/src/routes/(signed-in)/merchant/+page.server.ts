import { storeReviews, type Review } from "$lib/ratings/ratings";
import { myStore, todaysNumbers, type TodaysNumbers } from "$lib/stores/store";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  const [store, numbers] = await Promise.allSettled([myStore(locals.supabase, profile!.id), todaysNumbers(locals.supabase)]);
  const own = store.status === "fulfilled" ? store.value : null;
  const reviews = own ? await storeReviews(locals.supabase, own.id).catch(() => null) : ([] as Review[]);
  return {
    reviews,
    store: own,
    failed: store.status === "rejected",
    numbers: numbers.status === "fulfilled" ? numbers.value : (null as TodaysNumbers | null),
  };
};

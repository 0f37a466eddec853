import { myStore, todaysNumbers, type TodaysNumbers } from "$lib/stores/store";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  const [store, numbers] = await Promise.allSettled([myStore(locals.supabase, profile!.id), todaysNumbers(locals.supabase)]);
  return {
    store: store.status === "fulfilled" ? store.value : null,
    failed: store.status === "rejected",
    numbers: numbers.status === "fulfilled" ? numbers.value : (null as TodaysNumbers | null),
  };
};

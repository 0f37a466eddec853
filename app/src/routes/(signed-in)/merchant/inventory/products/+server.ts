import { error, json } from "@sveltejs/kit";
import { stockList } from "$lib/inventory/inventory";
import { myStore } from "$lib/stores/store";
import type { RequestHandler } from "./$types";

// Every product of the merchant's store, for the Stock page's aisles and filter.
export const GET: RequestHandler = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  if (profile?.role !== "merchant") error(403);
  const store = await myStore(locals.supabase, profile.id);
  return json(store ? await stockList(locals.supabase, store.id) : []);
};

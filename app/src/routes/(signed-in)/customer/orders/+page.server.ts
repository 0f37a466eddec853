import { myOrders, type OrderSummary } from "$lib/orders/orders";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  // loadedAt: the service worker keeps the page for offline, which then says how old it is.
  const loadedAt = new Date().toISOString();
  try {
    return { orders: await myOrders(locals.supabase, { limit: 50 }), failed: false, loadedAt };
  } catch {
    return { orders: [] as OrderSummary[], failed: true, loadedAt };
  }
};

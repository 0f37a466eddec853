import { myOrders, type OrderSummary } from "$lib/orders/orders";
import { logLoadFailure } from "$lib/server/failure";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, route }) => {
  try {
    return { orders: await myOrders(locals.supabase, { limit: 50 }), failed: false };
  } catch (e) {
    logLoadFailure(route, "the orders", e);
    return { orders: [] as OrderSummary[], failed: true };
  }
};

import { myOrders, type OrderSummary } from "$lib/orders/orders";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  try {
    return { orders: await myOrders(locals.supabase, { limit: 50 }), failed: false };
  } catch {
    return { orders: [] as OrderSummary[], failed: true };
  }
};

import { error } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { orderConversations } from "$lib/chat/order-chats";
import { t } from "$lib/i18n";
import { deliveryProofUrl } from "$lib/images/proof";
import { orderContacts } from "$lib/orders/contacts";
import { getOrder } from "$lib/orders/orders";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, params }) => {
  const id = z.uuid().safeParse(params.id);
  // Row-level security shows only the orders of the merchant's own stores.
  const order = id.success ? await getOrder(locals.supabase, id.data) : null;
  if (!order) error(404, { message: t.merchant.order.notFound });
  // The store's chats of the order: with the customer from the start, with a rider once there is one.
  const [chats, contacts, proofUrl] = await Promise.all([
    orderConversations(locals.supabase, order.id, "store"),
    orderContacts(locals.supabase, order.id, "store").catch(() => []),
    deliveryProofUrl(locals.supabase, order.delivery_proof_path),
  ]);
  return { order, chats, contacts, proofUrl };
};

// The order's page answers a request to cancel as its card on the orders screen does.
export { actions } from "../+page.server";

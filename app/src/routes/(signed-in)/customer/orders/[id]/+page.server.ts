import { error } from "@sveltejs/kit";
import { z } from "zod";
import { orderConversations } from "$lib/chat/order-chats";
import { t } from "$lib/i18n";
import { orderContacts } from "$lib/orders/contacts";
import { handoverPass } from "$lib/orders/handover-pass";
import { getOrder, orderTimeline } from "$lib/orders/orders";
import type { PageServerLoad } from "./$types";

const FINISHED = new Set(["delivered", "rejected", "cancelled", "expired"]);

export const load: PageServerLoad = async ({ locals, params }) => {
  if (!z.uuid().safeParse(params.id).success) error(404, { message: t.shop.orders.notFound, home: "/customer" });
  const order = await getOrder(locals.supabase, params.id);
  if (!order) error(404, { message: t.shop.orders.notFound, home: "/customer" });
  const finished = FINISHED.has(order.status);
  const [timeline, handover, chats, contacts] = await Promise.all([
    orderTimeline(locals.supabase, order.id),
    // The handover pass matters once the rider is on the way to the door, not before.
    order.status === "picked_up" ? handoverPass(locals.supabase, order.id).catch(() => null) : Promise.resolve(null),
    // With the store from the start, with the rider once there is one.
    orderConversations(locals.supabase, order.id, "customer"),
    // Without them the order page still works.
    orderContacts(locals.supabase, order.id, "customer").catch(() => []),
  ]);
  return { order, timeline, handover, chats, contacts, finished };
};

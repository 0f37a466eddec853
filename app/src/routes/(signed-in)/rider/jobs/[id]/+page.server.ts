import { error, fail, redirect } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { orderConversations } from "$lib/chat/order-chats";
import { release } from "$lib/deliveries/deliveries";
import { jobPlaces } from "$lib/deliveries/shift";
import { t } from "$lib/i18n";
import { orderContacts } from "$lib/orders/contacts";
import { getOrder } from "$lib/orders/orders";
import { Refused } from "$lib/orders/refusal";
import type { Actions, PageServerLoad } from "./$types";

const notFound = () => ({ message: t.rider.job.notFound, home: "/rider" });

export const load: PageServerLoad = async ({ locals, params }) => {
  const { profile } = await locals.safeGetSession();
  if (!z.uuid().safeParse(params.id).success) error(404, notFound());
  const order = await getOrder(locals.supabase, params.id);
  // Row-level security shows a rider the orders they were ever on: only the current rider works it.
  if (!order || order.rider_id !== profile!.id) error(404, notFound());
  const [places, chats, contacts] = await Promise.all([
    jobPlaces(locals.supabase, order.id, order.store_id),
    // Without its chats the job can still be done.
    orderConversations(locals.supabase, order.id, "rider").catch(() => []),
    orderContacts(locals.supabase, order.id, "rider").catch(() => []),
  ]);
  return { order, ...places, chats, contacts };
};

export const actions: Actions = {
  release: async ({ locals, params }) => {
    try {
      await release(locals.supabase, params.id);
    } catch (e) {
      return fail(e instanceof Refused && e.status < 500 ? e.status : 400, {
        refused: t.rider.job.releaseRefused(e instanceof Refused ? e.message : t.errors.generic),
      });
    }
    redirect(303, "/rider");
  },
};

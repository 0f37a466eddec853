import { error, fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { fieldErrors, formValues } from "$lib/accounts/forms";
import { productThumbs, type ProductThumb } from "$lib/catalogue/products";
import { orderConversations } from "$lib/chat/order-chats";
import { deliveryProofUrl } from "$lib/images/proof";
import { t } from "$lib/i18n";
import { orderContacts } from "$lib/orders/contacts";
import { storesForOrder } from "$lib/orders/elsewhere";
import { handoverPass } from "$lib/orders/handover-pass";
import { getOrder, orderTimeline } from "$lib/orders/orders";
import { Refused } from "$lib/orders/refusal";
import { myReview, rateOrder, RATING_FIELDS, ratingForm, ratingUntil } from "$lib/ratings/ratings";
import type { Actions, PageServerLoad } from "./$types";

const FINISHED = new Set(["delivered", "rejected", "cancelled", "expired"]);
/** Orders that did not happen: other stores are offered for them. */
const UNFULFILLED = new Set(["rejected", "cancelled", "expired"]);

export const load: PageServerLoad = async ({ locals, params }) => {
  if (!z.uuid().safeParse(params.id).success) error(404, { message: t.shop.orders.notFound, home: "/customer" });
  const order = await getOrder(locals.supabase, params.id);
  if (!order) error(404, { message: t.shop.orders.notFound, home: "/customer" });
  const finished = FINISHED.has(order.status);
  const [timeline, handover, chats, contacts, review, elsewhere, thumbs, proofUrl] = await Promise.all([
    orderTimeline(locals.supabase, order.id),
    // The handover pass matters once the rider is on the way to the door, not before.
    order.status === "picked_up" ? handoverPass(locals.supabase, order.id).catch(() => null) : Promise.resolve(null),
    // With the store from the start, with the rider once there is one.
    orderConversations(locals.supabase, order.id, "customer"),
    // Without them the order page still works.
    orderContacts(locals.supabase, order.id, "customer").catch(() => []),
    order.status === "delivered" ? myReview(locals.supabase, order.id).catch(() => null) : Promise.resolve(null),
    UNFULFILLED.has(order.status) ? storesForOrder(locals.supabase, order.id).catch(() => []) : Promise.resolve([]),
    // Without the pictures the order page still works.
    productThumbs(locals.supabase, order.order_items.map((i) => i.product_id).filter((id): id is string => id !== null)).catch((): Record<string, ProductThumb> => ({})),
    deliveryProofUrl(locals.supabase, order.delivery_proof_path),
  ]);
  const until = ratingUntil(timeline);
  return { order, timeline, handover, chats, contacts, finished, review, elsewhere, thumbs, proofUrl, ratingUntil: until?.toISOString() ?? null };
};

export const actions: Actions = {
  rate: async ({ request, locals, params }) => {
    const values = formValues(await request.formData(), RATING_FIELDS);
    const parsed = ratingForm.safeParse(values);
    if (!parsed.success) return fail(400, { rating: { values, errors: fieldErrors<string>(parsed.error) as Record<string, string> } });
    try {
      await rateOrder(locals.supabase, params.id, parsed.data);
    } catch (e) {
      const why = e instanceof Refused ? e.message : t.errors.generic;
      return fail(e instanceof Refused && e.status < 500 ? e.status : 400, { rating: { values, errors: { form: t.ratings.refused(why) } as Record<string, string> } });
    }
    return { rating: { values: {}, errors: {} as Record<string, string> } };
  },
};

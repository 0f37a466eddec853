import { fail, redirect, type Cookies } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { fieldErrors, formValues } from "$lib/accounts/forms";
import { listAddresses, toDelivery, type SavedAddress } from "$lib/addresses/addresses";
import { clearCart, deliverySchema, toOrderRequest } from "$lib/cart/cart";
import { cookieCart, keepCookieCart } from "$lib/cart/cookie";
import { t } from "$lib/i18n";
import { whyNotPlaced } from "$lib/orders/answers";
import { checkout, quote } from "$lib/orders/orders";
import { pointForm, readLocation } from "../location";
import type { Actions, PageServerLoad } from "./$types";

// Checkout without JavaScript: the cart a browser without it keeps in the cookie, priced here and
// placed by the form's action through the same checkout Edge Function the outbox calls. The
// idempotency key is made with the page and sent back in a hidden field, so pressing the button
// twice (or the browser sending the form again) places one order.
const checkoutForm = z.extend(pointForm, {
  address: deliverySchema.shape.address,
  key: z.uuid(),
  expected_total_paise: z.pipe(z.coerce.number(), z.int().check(z.gte(0), z.lte(999_999_999))),
});
type Field = "address" | "lat" | "lng";
/** What was typed, and the saved address chosen (its id; empty for one typed by hand). */
type Typed = Record<Field | "address_id", string>;
/** What a refused form shows: what was typed, a message per field, or one for the whole form. */
const refuse = (status: number, typed: Typed, failure: { errors?: Partial<Record<Field, string>>; problem?: string }) =>
  fail(status, { typed, errors: failure.errors ?? ({} as Partial<Record<Field, string>>), problem: failure.problem });

/** The saved address a form chose, if it chose one and it is the caller's. */
const chosenAddress = async (supabase: App.Locals["supabase"], id: string): Promise<SavedAddress | undefined> =>
  id ? (await listAddresses(supabase)).find((a) => a.id === id) : undefined;

/** The last order placed by the form: a copy of the form arriving after the cart was emptied goes to it. */
const PLACED_COOKIE = "kirana_placed";
const placed = z.object({ key: z.uuid(), orderId: z.uuid() });

function placedBefore(cookies: Cookies, key: string): string | null {
  try {
    const kept = placed.safeParse(JSON.parse(cookies.get(PLACED_COOKIE) ?? "null"));
    return kept.success && kept.data.key === key ? kept.data.orderId : null;
  } catch {
    return null;
  }
}

export const load: PageServerLoad = async ({ cookies, locals, url }) => {
  const location = readLocation(cookies);
  // Saved addresses come first: the one just added (?address=), else the default.
  const addresses = await listAddresses(locals.supabase).catch(() => [] as SavedAddress[]);
  const chosen = addresses.find((a) => a.id === url.searchParams.get("address")) ?? addresses[0];
  const to = chosen ?? location;
  // The cart shown, priced so the page comes with its total; the script prices the device's cart
  // again only if it turns out different.
  const cart = cookieCart(cookies);
  const quoted = cart.store && to ? await quote(locals.supabase, cart, to).catch(() => null) : null;
  return { location, addresses, chosen: chosen?.id ?? "", quote: quoted, key: crypto.randomUUID() };
};

export const actions: Actions = {
  // "Update price" without JavaScript: the cookie's cart priced for the point typed.
  price: async ({ request, cookies, locals }) => {
    const typed = formValues(await request.formData(), ["address", "lat", "lng", "address_id"]);
    const saved = await chosenAddress(locals.supabase, typed.address_id);
    if (typed.address_id && !saved) return refuse(400, typed, { problem: t.shop.checkout.addressGone });
    const point = saved ? { success: true as const, data: saved } : pointForm.safeParse(typed);
    if (!point.success) return refuse(400, typed, { errors: fieldErrors<Field>(point.error) });
    const cart = cookieCart(cookies);
    if (!cart.store) return refuse(400, typed, { problem: t.shop.checkout.emptyCart });
    const quoted = await quote(locals.supabase, cart, point.data).catch(() => null);
    if (!quoted) return refuse(503, typed, { problem: t.shop.checkout.quoteFailed });
    return { typed, quote: quoted };
  },
  place: async ({ request, cookies, locals, url }) => {
    const values = formValues(await request.formData(), ["address", "lat", "lng", "key", "expected_total_paise", "address_id"]);
    const typed = { address: values.address, lat: values.lat, lng: values.lng, address_id: values.address_id };
    // A saved address sends its own text, point and phone: the order keeps that snapshot.
    const saved = await chosenAddress(locals.supabase, values.address_id);
    if (values.address_id && !saved) return refuse(400, typed, { problem: t.shop.checkout.addressGone });
    const input = checkoutForm.safeParse(saved ? { ...values, ...toDelivery(saved), lat: String(saved.lat), lng: String(saved.lng) } : values);
    if (!input.success) {
      const { key, expected_total_paise, ...errors } = fieldErrors<Field | "key" | "expected_total_paise">(input.error);
      if (errors.address) errors.address = t.shop.checkout.addressInvalid;
      return refuse(400, typed, { errors, ...(key || expected_total_paise ? { problem: t.shop.checkout.staleForm } : {}) });
    }
    const { address, lat, lng, key, expected_total_paise } = input.data;
    const delivery = saved ? toDelivery(saved) : { address, lat, lng };
    const cart = cookieCart(cookies);
    if (!cart.store) {
      const orderId = placedBefore(cookies, key);
      if (orderId) redirect(303, `/customer/orders/${orderId}`);
      return refuse(400, typed, { problem: t.shop.checkout.emptyCart });
    }
    const answer = await checkout(locals.supabase, toOrderRequest(cart, delivery, { expectedTotalPaise: expected_total_paise }), key);
    if (answer.kind !== "placed") return refuse(answer.kind === "retry" ? 503 : answer.kind === "conflict" ? 409 : 400, typed, { problem: whyNotPlaced(answer) });
    const secure = url.protocol === "https:";
    keepCookieCart(cookies, clearCart(), secure);
    cookies.set(PLACED_COOKIE, JSON.stringify({ key, orderId: answer.order.id }), { path: "/customer/checkout", maxAge: 60 * 60, sameSite: "lax", httpOnly: true, secure });
    redirect(303, `/customer/orders/${answer.order.id}`);
  },
};

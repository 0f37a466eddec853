import { fail, redirect, type Cookies } from "@sveltejs/kit";
import { clearCart, MAX_QUANTITY, setQuantity, setSubstitution, type Cart } from "$lib/cart/cart";
import { cookieCart, keepCookieCart } from "$lib/cart/cookie";
import { lineForm, substitutionForm } from "$lib/cart/forms";
import { productThumbs, type ProductThumb } from "$lib/catalogue/products";
import { t } from "$lib/i18n";
import type { Actions, PageServerLoad } from "./$types";

/** Keeps the changed cookie cart and shows the cart again (a GET, so a reload sends nothing twice). */
function keep(cookies: Cookies, cart: Cart, url: URL) {
  if (!keepCookieCart(cookies, cart, url.protocol === "https:")) return fail(400, { problem: t.shop.store.cookieFull });
  redirect(303, "/customer/cart");
}

// The lines' thumbnails; the cart shows without them when they cannot be read.
export const load: PageServerLoad = async ({ locals, cookies }) => ({
  thumbs: await productThumbs(locals.supabase, cookieCart(cookies).lines.map((l) => l.productId)).catch((): Record<string, ProductThumb> => ({})),
});

// The cart's forms without JavaScript (with it, the page changes the device's cart itself): the
// cart this browser keeps in a cookie. A bad form changes nothing.
export const actions: Actions = {
  quantity: async ({ request, cookies, url }) => {
    const input = lineForm.safeParse(Object.fromEntries(await request.formData()));
    if (!input.success) return fail(400, { problem: t.shop.store.badQuantity(MAX_QUANTITY) });
    const change = setQuantity(cookieCart(cookies), input.data.product, input.data.quantity);
    if (!change.ok) return fail(400, { problem: t.shop.store.badQuantity(MAX_QUANTITY) });
    return keep(cookies, change.cart, url);
  },
  substitute: async ({ request, cookies, url }) => {
    const input = substitutionForm.safeParse(Object.fromEntries(await request.formData()));
    if (!input.success) return fail(400, { problem: t.shop.cart.badChoice });
    return keep(cookies, setSubstitution(cookieCart(cookies), input.data.product, input.data.if_unavailable), url);
  },
  clear: async ({ cookies, url }) => keep(cookies, clearCart(), url),
};

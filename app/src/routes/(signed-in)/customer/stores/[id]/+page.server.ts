import { error, fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { addItem, clearCart, MAX_PRODUCTS, MAX_QUANTITY, setQuantity } from "$lib/cart/cart";
import { cookieCart, keepCookieCart } from "$lib/cart/cookie";
import { storeProducts } from "$lib/catalogue/products";
import { shelfFor } from "$lib/catalogue/shelf";
import { t } from "$lib/i18n";
import { deliveryTerms } from "$lib/orders/orders";
import { dataOf } from "$lib/orders/refusal";
import { readLocation } from "../../location";
import type { Actions, PageServerLoad } from "./$types";

const storeId = (id: string) => {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) error(404, { message: t.errors.notFound, home: "/customer" });
  return parsed.data;
};

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const id = storeId(params.id);
  const location = readLocation(cookies);
  // Row-level security shows approved stores and their active products only.
  const [store, products, terms] = await Promise.all([
    locals.supabase.from("stores").select("id, name, category, address, is_open, minimum_order_paise, rating, rating_count").eq("id", id).maybeSingle(),
    storeProducts(locals.supabase, id),
    // The fees to the chosen location, which the phone keeps to price the cart at checkout
    // offline. The page works without them (a checkout offline then says the fees come later).
    location ? deliveryTerms(locals.supabase, id, location).catch(() => null) : null,
  ]);
  const row = dataOf(store);
  if (!row) error(404, { message: t.errors.notFound, home: "/customer" });
  return { store: row, shelf: shelfFor(products, url), terms };
};

const cartForm = z.object({ product: z.uuid(), change: z.enum(["1", "-1"]), replace: z.nullable(z.literal("1")) });

export const actions: Actions = {
  // The quantity stepper without JavaScript (with it, the page changes the device's cart itself):
  // one more or one fewer of a product, in the cart this browser keeps in a cookie.
  cart: async ({ locals, params, url, request, cookies }) => {
    const form = await request.formData();
    const input = cartForm.safeParse({ product: url.searchParams.get("product"), change: form.get("change"), replace: form.get("replace") });
    if (!input.success) return fail(400, { productId: null, problem: t.shop.store.badQuantity(MAX_QUANTITY) });
    const productId = input.data.product;
    const [store, product] = await Promise.all([
      locals.supabase.from("stores").select("id, name").eq("id", storeId(params.id)).maybeSingle(),
      locals.supabase.from("products").select("id, name, unit, price_paise, stock").eq("id", productId).eq("store_id", params.id).eq("is_active", true).maybeSingle(),
    ]);
    const [s, p] = [dataOf(store), dataOf(product)];
    if (!s || !p) return fail(404, { productId, problem: t.errors.notFound });
    const start = input.data.replace ? clearCart() : cookieCart(cookies);
    const now = start.lines.find((l) => l.productId.toLowerCase() === productId.toLowerCase())?.quantity ?? 0;
    if (input.data.change === "1" && p.stock <= 0) return fail(409, { productId, problem: t.shop.store.outOfStock });
    const change =
      input.data.change === "1"
        ? addItem(start, s, { id: p.id, name: p.name, pricePaise: p.price_paise, unit: p.unit })
        : setQuantity(start, p.id, Math.max(0, now - 1));
    if (!change.ok) {
      if (change.reason === "other_store") return fail(409, { productId, otherStore: change.store.name });
      return fail(400, { productId, problem: change.reason === "too_many_products" ? t.shop.store.tooMany(MAX_PRODUCTS) : t.shop.store.badQuantity(MAX_QUANTITY) });
    }
    if (!keepCookieCart(cookies, change.cart, url.protocol === "https:")) return fail(400, { productId, problem: t.shop.store.cookieFull });
    return { productId, added: input.data.change === "1" };
  },
};

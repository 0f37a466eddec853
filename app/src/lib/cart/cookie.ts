// The cart of a browser without JavaScript. The store page's quantity stepper is a plain form:
// with no script to write localStorage, its action keeps the cart (the same `Cart`, changed by the
// same functions of cart.ts) in a cookie, and the server renders the cart bar from it. Once the
// script runs, the cookie's lines join the device's cart and the cookie is cleared, so the device
// keeps one cart.
import type { Cookies } from "@sveltejs/kit";
import { addItem, emptyCart, loadCart, saveCart, type Cart } from "./cart.js";

export const CART_COOKIE = "kirana_cart";
/** A browser keeps about 4 KB per cookie: a cart that would not fit is refused, not cut short. */
const MAX_COOKIE_CHARS = 3800;

/** The cart kept in the cookie, or an empty one. */
export const cookieCart = (cookies: Cookies): Cart => loadCart(cookies.get(CART_COOKIE) ?? null);

/** Keeps the cart in the cookie; false when it is too big for one. */
export function keepCookieCart(cookies: Cookies, cart: Cart, secure: boolean): boolean {
  const text = saveCart(cart);
  if (encodeURIComponent(text).length > MAX_COOKIE_CHARS) return false;
  if (cart.lines.length === 0) cookies.delete(CART_COOKIE, { path: "/" });
  else cookies.set(CART_COOKIE, text, { path: "/", maxAge: 60 * 60 * 24 * 30, sameSite: "lax", httpOnly: false, secure });
  return true;
}

/** In the browser: the cookie's cart, removing the cookie (null when there is none). */
export function takeCookieCart(): Cart | null {
  const raw = document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${CART_COOKIE}=`))
    ?.slice(CART_COOKIE.length + 1);
  if (raw === undefined) return null;
  document.cookie = `${CART_COOKIE}=; path=/; max-age=0`;
  return loadCart(decodeURIComponent(raw));
}

/**
 * The device's cart with the cookie's lines added. The cookie holds what was added last, so when
 * the two are of different stores the cookie's cart is the one kept.
 */
export function mergeCarts(device: Cart, kept: Cart): Cart {
  if (!kept.store) return device;
  let cart = device.store && device.store.id.toLowerCase() !== kept.store.id.toLowerCase() ? emptyCart() : device;
  for (const line of kept.lines) {
    const change = addItem(cart, kept.store, { id: line.productId, name: line.name, pricePaise: line.pricePaise, unit: line.unit }, line.quantity, line.ifUnavailable);
    if (change.ok) cart = change.cart;
  }
  return cart;
}

// Carts in cookies, so that the server renders the cart and its forms work before (or without) the
// script. A browser without JavaScript keeps its cart (the same `Cart`, changed by the same
// functions of cart.ts) in `kirana_cart`, written by the forms' actions. With the script, the
// device's cart lives in localStorage and is copied into `kirana_device_cart` on every change;
// the actions then change that copy, which the script takes as the device's cart when it starts.
// Once the script runs, `kirana_cart`'s lines join the device's cart and that cookie is cleared,
// so the device keeps one cart.
import type { Cookies } from "@sveltejs/kit";
import { addItem, emptyCart, loadCart, saveCart, type Cart } from "./cart.js";

export const CART_COOKIE = "kirana_cart";
export const DEVICE_CART_COOKIE = "kirana_device_cart";
/** A browser keeps about 4 KB per cookie: a cart that would not fit is refused, not cut short. */
const MAX_COOKIE_CHARS = 3800;
/** The device's copy when its cart is too big for a cookie: the server cannot know that cart. */
const TOO_BIG = "too-big";
const YEAR_S = 60 * 60 * 24 * 365;

/** The device's cart as its script copied it: null without a copy, TOO_BIG when it did not fit. */
const deviceCopy = (raw: string | undefined): Cart | typeof TOO_BIG | null => (raw === undefined ? null : raw === TOO_BIG ? TOO_BIG : loadCart(raw));

/**
 * The cart the server renders and the forms change: the device's copy with `kirana_cart`'s lines
 * added, as the script will show it, or `kirana_cart`'s alone (an empty cart if neither).
 */
export function cookieCart(cookies: Cookies): Cart {
  const copy = deviceCopy(cookies.get(DEVICE_CART_COOKIE));
  const kept = loadCart(cookies.get(CART_COOKIE) ?? null);
  return copy && copy !== TOO_BIG ? mergeCarts(copy, kept) : kept;
}

/** False when the device's cart is too big for its copy: only its script can show it. */
export const cartKnown = (cookies: Cookies): boolean => cookies.get(DEVICE_CART_COOKIE) !== TOO_BIG;

/** Keeps the cart in the device's copy if it has one, else in `kirana_cart`; false when it is too big for a cookie. */
export function keepCookieCart(cookies: Cookies, cart: Cart, secure: boolean): boolean {
  const text = saveCart(cart);
  if (encodeURIComponent(text).length > MAX_COOKIE_CHARS) return false;
  const copy = deviceCopy(cookies.get(DEVICE_CART_COOKIE));
  if (copy && copy !== TOO_BIG) {
    cookies.set(DEVICE_CART_COOKIE, text, { path: "/customer", maxAge: YEAR_S, sameSite: "lax", httpOnly: false, secure });
    cookies.delete(CART_COOKIE, { path: "/" });
  } else if (cart.lines.length === 0) cookies.delete(CART_COOKIE, { path: "/" });
  else cookies.set(CART_COOKIE, text, { path: "/", maxAge: 60 * 60 * 24 * 30, sameSite: "lax", httpOnly: false, secure });
  return true;
}

/** In the browser: a cookie's value, undecoded (undefined when there is none). */
const cookie = (name: string): string | undefined =>
  document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** In the browser: the device's cart as copied in its cookie (null when there is no usable copy). */
export function readDeviceCopy(): Cart | null {
  const raw = cookie(DEVICE_CART_COOKIE);
  const copy = deviceCopy(raw === undefined ? undefined : decodeURIComponent(raw));
  return copy === TOO_BIG ? null : copy;
}

/** In the browser: copies the device's cart for the server (see cookieCart). */
export function copyDeviceCart(cart: Cart): void {
  const text = encodeURIComponent(saveCart(cart));
  document.cookie = `${DEVICE_CART_COOKIE}=${text.length > MAX_COOKIE_CHARS ? TOO_BIG : text}; path=/customer; max-age=${YEAR_S}; samesite=lax`;
}

/** In the browser: the cookie's cart, removing the cookie (null when there is none). */
export function takeCookieCart(): Cart | null {
  const raw = cookie(CART_COOKIE);
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

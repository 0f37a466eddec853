// The cart of this device, kept in localStorage and shared by the customer's screens. It is read
// only in the browser (load() from onMount); before that a server render shows the cart a browser
// without JavaScript keeps in a cookie ($lib/cart/cookie), which load() adds to this one.
import { emptyCart, loadCart, saveCart, type Cart } from "$lib/cart/cart";
import { mergeCarts, takeCookieCart } from "$lib/cart/cookie";

const KEY = "kirana.cart";

class CartState {
  cart = $state<Cart>(emptyCart());
  /** False until the browser has read the stored cart: screens show their loading state. */
  loaded = $state(false);

  load(): void {
    const stored = loadCart(localStorage.getItem(KEY));
    const kept = takeCookieCart();
    if (kept) this.set(mergeCarts(stored, kept));
    else this.cart = stored;
    this.loaded = true;
  }

  set(cart: Cart): void {
    this.cart = cart;
    localStorage.setItem(KEY, saveCart(cart));
  }
}

export const cartState = new CartState();

/** The cart to show: the device's once read, until then the one the server rendered from the cookie. */
export const shownCart = (cookieCart: Cart | undefined): Cart => (cartState.loaded ? cartState.cart : (cookieCart ?? emptyCart()));

/** Keeps screens in step when another tab changes the cart. */
export function followOtherTabs(): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === KEY) cartState.load();
  };
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

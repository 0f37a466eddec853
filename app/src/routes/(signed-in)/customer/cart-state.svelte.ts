// The cart of this device, kept in localStorage and shared by the customer's screens. It is read
// only in the browser (load() from onMount); before that a server render shows the copy kept in a
// cookie for it, with the cart a browser without JavaScript keeps ($lib/cart/cookie), which load()
// adds to this one.
import { emptyCart, loadCart, saveCart, type Cart } from "$lib/cart/cart";
import { copyDeviceCart, mergeCarts, readDeviceCopy, takeCookieCart } from "$lib/cart/cookie";

const KEY = "kirana.cart";

class CartState {
  cart = $state<Cart>(emptyCart());
  /** False until the browser has read the stored cart: screens show their loading state. */
  loaded = $state(false);

  load(): void {
    // The cookie's copy is the newer when a form changed it before the script ran.
    const stored = readDeviceCopy() ?? loadCart(localStorage.getItem(KEY));
    const kept = takeCookieCart();
    this.set(kept ? mergeCarts(stored, kept) : stored);
    this.loaded = true;
  }

  set(cart: Cart): void {
    this.cart = cart;
    const text = saveCart(cart);
    // Unchanged, it is not written: another tab would hear it and load again.
    if (localStorage.getItem(KEY) !== text) localStorage.setItem(KEY, text);
    copyDeviceCart(cart);
  }
}

export const cartState = new CartState();

/** The cart to show: the device's once read, until then the one the server rendered from the cookies. */
export const shownCart = (cookieCart: Cart | undefined): Cart => (cartState.loaded ? cartState.cart : (cookieCart ?? emptyCart()));

/** Keeps screens in step when another tab changes the cart (that tab copied it for the server too). */
export function followOtherTabs(): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === KEY) cartState.cart = loadCart(e.newValue);
  };
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

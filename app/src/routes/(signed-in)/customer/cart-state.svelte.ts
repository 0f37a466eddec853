// The cart of this device, kept in localStorage and shared by the customer's screens. It is read
// only in the browser (load() from onMount): a server render shows an empty cart.
import { emptyCart, loadCart, saveCart, type Cart } from "$lib/cart/cart";

const KEY = "kirana.cart";

class CartState {
  cart = $state<Cart>(emptyCart());
  /** False until the browser has read the stored cart: screens show their loading state. */
  loaded = $state(false);

  load(): void {
    this.cart = loadCart(localStorage.getItem(KEY));
    this.loaded = true;
  }

  set(cart: Cart): void {
    this.cart = cart;
    localStorage.setItem(KEY, saveCart(cart));
  }
}

export const cartState = new CartState();

/** Keeps screens in step when another tab changes the cart. */
export function followOtherTabs(): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === KEY) cartState.load();
  };
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

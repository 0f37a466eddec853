import { cookieCart } from "$lib/cart/cookie";
import type { LayoutServerLoad } from "./$types";

// The cart a browser without JavaScript keeps, for the cart bar and the tab's count on the
// server's render; once the script runs, the device's cart (cart-state.svelte.ts) is shown.
export const load: LayoutServerLoad = ({ cookies }) => ({ cookieCart: cookieCart(cookies) });

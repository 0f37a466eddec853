import { cartKnown, cookieCart } from "$lib/cart/cookie";
import type { LayoutServerLoad } from "./$types";

// The cart as the cookies tell it (the device's copy, a browser's without JavaScript), for the
// cart bar, the tab's count and the cart screens on the server's render; once the script runs,
// the device's cart (cart-state.svelte.ts) is shown.
export const load: LayoutServerLoad = ({ cookies }) => ({ cookieCart: cookieCart(cookies), cartKnown: cartKnown(cookies) });

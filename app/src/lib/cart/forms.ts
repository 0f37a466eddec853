// The cart page's forms, one contract for both ways they are sent: without JavaScript they post
// to the page's actions, which change the cart kept in the cookie (cookie.ts); with it, the page
// reads the same fields and changes the device's cart. Either way through cart.ts.
import { z } from "../zod.js";
import { Constants } from "../database.types.js";
import { MAX_QUANTITY } from "./cart.js";

/** A line's new quantity: − and + send one fewer and one more, Remove sends 0. */
export const lineForm = z.object({ product: z.uuid(), quantity: z.pipe(z.coerce.number(), z.int().check(z.gte(0), z.lte(MAX_QUANTITY))) });

/** What the store should do if it runs out of a product. */
export const substitutionForm = z.object({ product: z.uuid(), if_unavailable: z.enum(Constants.public.Enums.substitution_preference) });

// The body of POST /functions/v1/checkout, defined once: the Edge Function refuses what fails it
// with a 400 and these field errors, and the app checks a form with it before sending. Its limits
// are private.check_order_request's and the orders tables' checks (tests/integration/contracts).
import { btrimBetween, type Message, upTo, whole, z } from "./zod.ts";
import { DELIVERY_PHONE, PHONE_MESSAGE } from "./address.ts";

export const MAX_PRODUCTS = 50;
export const MAX_QUANTITY = 100;
export const MAX_NOTES = 500;

// An unpaired UTF-16 surrogate, which JSON's \u escapes can carry and UTF-8 cannot.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text Postgres can store: no NUL and no unpaired surrogate (a 400, not a database error). */
export const storableText = (s: string): boolean => !s.includes("\0") && !LONE_SURROGATE.test(s);
export const STORABLE_TEXT = "Text may not contain NUL characters (\\u0000) or unpaired surrogates.";

export const substitutions = ["remove", "substitute"] as const;
export type Substitution = (typeof substitutions)[number];
export const substitution = z.enum(substitutions);
export const quantity = whole(1, MAX_QUANTITY);
// Any 8-4-4-4-12 hex id, as private.check_order_request reads one (z.uuid() would also demand an
// RFC 9562 version and variant), under the message the API has always given.
const id = z.guid("Invalid UUID");

export const delivery = z.strictObject({
  // Checked trimmed but sent as typed: the request hash is over what the client sent.
  address: z.string().check(z.refine<string>(storableText, STORABLE_TEXT), btrimBetween(5, 300, "Give 5 to 300 characters.")),
  lat: z.number().check(z.gte(-90), z.lte(90)),
  lng: z.number().check(z.gte(-180), z.lte(180)),
  /** The saved address's phone, kept on the order for the rider to call at the door; null is none. */
  phone: z.nullish(z.string().check(z.regex(DELIVERY_PHONE, PHONE_MESSAGE))),
});
export type Delivery = z.infer<typeof delivery>;

/** The request, with the message for a product listed twice (English unless given). */
export const orderRequestOf = (m: { listOnce?: Message } = {}) =>
  z.strictObject({
    store_id: id,
    items: z.array(z.strictObject({ product_id: id, quantity, if_unavailable: z.optional(substitution) })).check(
      z.minLength(1),
      z.maxLength(MAX_PRODUCTS),
      z.refine((items) => new Set(items.map((i) => i.product_id.toLowerCase())).size === items.length, m.listOnce ?? "List each product once, with its quantity."),
    ),
    delivery,
    notes: z.nullish(upTo(MAX_NOTES).check(z.refine<string>(storableText, STORABLE_TEXT))),
    expected_total_paise: z.nullish(whole(0, 999_999_999)),
    payment_method: z.literal("cod"),
  });
export const orderRequest = orderRequestOf();
export type OrderRequest = z.infer<typeof orderRequest>;

/** Errors by field path ("items.0.quantity", "delivery.address"), as checkout's 400 gives them. */
export type FieldErrors = Record<string, string[]>;

/** A failed parse as field errors; an unknown field is reported under its own name, where a client looks for it. */
export function fieldErrors(error: z.core.$ZodError): FieldErrors {
  const fields: FieldErrors = {};
  const add = (path: PropertyKey[], message: string) => (fields[path.map(String).join(".") || "(body)"] ??= []).push(message);
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) add([...issue.path, key], "Unknown field.");
    else add(issue.path, issue.message);
  }
  return fields;
}

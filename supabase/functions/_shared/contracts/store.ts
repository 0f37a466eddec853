// A store as its merchant writes it (the stores table), defined once for the setup form and held to
// the table's checks by tests/integration/contracts.
import { btrimmed, type Message, upTo, whole, z } from "./zod.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

// private.opening_hours_are_valid: weekday keys, each a list of [opens, closes]; opens is
// 00:00–23:59, closes may also be 24:00, and a slot never opens and closes at the same minute
// (closing earlier runs past midnight).
export const OPENS = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
export const CLOSES = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
const slot = z.tuple([z.string().check(z.regex(OPENS)), z.string().check(z.regex(CLOSES))]).check(z.refine(([a, b]) => a !== b));
export const openingHours = z.partialRecord(z.enum(WEEKDAYS), z.array(slot));
export type OpeningHours = z.infer<typeof openingHours>;

/** stores_phone_format */
export const STORE_PHONE = /^\+?[0-9]{7,15}$/;
/** stores_minimum_order_range, in paise. */
export const MAX_MINIMUM_ORDER_PAISE = 1_000_000;

export type StoreMessages = Partial<Record<"name" | "description" | "phone" | "address" | "radius" | "preparation" | "minimumOrder", Message>>;

/** Each column's check, with the messages a form shows. */
export const storeFields = (m: StoreMessages = {}) => ({
  name: btrimmed(2, 120, m.name),
  description: upTo(1000, m.description),
  phone: z.string().check(z.regex(STORE_PHONE, m.phone)),
  address: btrimmed(5, 300, m.address),
  delivery_radius_m: whole(200, 15000, m.radius),
  preparation_minutes: whole(1, 120, m.preparation),
  minimum_order_paise: whole(0, MAX_MINIMUM_ORDER_PAISE, m.minimumOrder),
});

/** The columns a merchant writes, as the stores table checks them (any subset, as an update). */
export const storeColumns = z.partial(z.object({ ...storeFields(), phone: z.nullable(storeFields().phone), opening_hours: openingHours }));

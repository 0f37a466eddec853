// A saved delivery address (the addresses table), defined once for the app's form and checked
// against the table's own checks (tests/integration/contracts).
import { btrimmed, type Message, z } from "./zod.ts";

/** addresses_phone_format, orders_delivery_phone_format and checkout's delivery.phone. */
export const DELIVERY_PHONE = /^\+?[0-9]{10,15}$/;
export const PHONE_MESSAGE = "Give 10 to 15 digits, with an optional leading +.";

export type AddressMessages = Partial<Record<"house" | "street" | "landmark" | "phone", Message>>;

/** Each column's check, with the messages a form shows. */
export const addressFields = (m: AddressMessages = {}) => ({
  house: btrimmed(1, 100, m.house),
  street: btrimmed(3, 150, m.street),
  landmark: btrimmed(1, 100, m.landmark),
  phone: z.string().check(z.regex(DELIVERY_PHONE, m.phone ?? PHONE_MESSAGE)),
});

/** The columns a customer writes, as the addresses table checks them. */
export const addressColumns = z.object({ ...addressFields(), landmark: z.nullable(addressFields().landmark) });

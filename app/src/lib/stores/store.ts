// The merchant's own store: the setup form (checked with the stores table's own limits, so bad
// input is refused field by field before anything is written), its state for the home screen,
// and the day's numbers from the store's orders.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { Constants, type Database } from "../database.types.js";
import { t, type Messages } from "../i18n/index.js";
import { pointOfWkb } from "../maps/geo.js";
import { dataOf } from "../orders/refusal.js";

type Client = SupabaseClient<Database>;
export type StoreRow = Database["public"]["Tables"]["stores"]["Row"];
export type StoreWrite = Database["public"]["Tables"]["stores"]["Update"];
export type StoreCategory = Database["public"]["Enums"]["store_category"];

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Slots per day on the form: a day and a split day (morning, evening) cover most shops. */
export const SLOTS = [1, 2] as const;

// private.opening_hours_are_valid: weekday keys, each a list of [opens, closes]; opens is
// 00:00–23:59, closes may also be 24:00, and a slot never opens and closes at the same minute
// (closing earlier runs past midnight).
const OPENS = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const CLOSES = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
const slotSchema = z.tuple([z.string().regex(OPENS), z.string().regex(CLOSES)]).refine(([a, b]) => a !== b);
export const openingHoursSchema = z.partialRecord(z.enum(WEEKDAYS), z.array(slotSchema));
export type OpeningHours = z.infer<typeof openingHoursSchema>;

type HourField = `${Weekday}_${"open" | "close"}_${(typeof SLOTS)[number]}`;
export const slotField = (day: Weekday, slot: (typeof SLOTS)[number], end: "open" | "close"): HourField => `${day}_${end}_${slot}`;
const hourFields = WEEKDAYS.flatMap((d) => SLOTS.flatMap((s) => [slotField(d, s, "open"), slotField(d, s, "close")]));

export const STORE_FIELDS = [
  "name",
  "category",
  "description",
  "phone",
  "address",
  "lat",
  "lng",
  "delivery_radius_m",
  "preparation_minutes",
  "minimum_order_rupees",
  "temporarily_closed",
  "reopens_at",
  ...hourFields,
] as const;

// Messages are read when a check fails, so they come in the language of the request.
type StoreError = keyof Messages["merchant"]["store"]["errors"];
type Say = { error: () => string };
const m = (key: StoreError): Say => ({ error: () => t.merchant.store.errors[key] });
const IST_OFFSET_MS = 330 * 60_000; // Asia/Kolkata is UTC+05:30 all year

const trimmed = (min: number, max: number, message: Say) => z.string().trim().min(min, message).max(max, message);
const whole = (min: number, max: number, message: Say) =>
  z.string().trim().regex(/^[0-9]+$/, message).transform(Number).pipe(z.number().min(min, message).max(max, message));
const coordinate = (min: number, max: number, message: Say) =>
  z.string().trim().min(1, message).transform(Number).pipe(z.number(message).min(min, message).max(max, message));

const base = z.object({
  name: trimmed(2, 120, m("name")),
  category: z.enum(Constants.public.Enums.store_category, m("category")),
  description: z.string().max(1000, m("description")),
  phone: z.string().trim().regex(/^(\+?[0-9]{7,15})?$/, m("phone")),
  address: trimmed(5, 300, m("address")),
  lat: coordinate(-90, 90, m("lat")),
  lng: coordinate(-180, 180, m("lng")),
  delivery_radius_m: whole(200, 15000, m("radius")),
  preparation_minutes: whole(1, 120, m("preparation")),
  minimum_order_rupees: whole(0, 10000, m("minimumOrder")),
  temporarily_closed: z.string(),
  // A datetime-local input: "YYYY-MM-DDTHH:MM" on the shop's clock.
  reopens_at: z.string().trim().regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/, m("reopensAt")),
});
const withHours = base.extend(Object.fromEntries(hourFields.map((f) => [f, z.string().trim()])) as Record<HourField, z.ZodString>);

/** The setup form's values (strings, as posted) to the columns a merchant may write. */
export const storeFormSchema = withHours.superRefine((v, ctx) => {
  for (const day of WEEKDAYS) {
    for (const slot of SLOTS) {
      const open = v[slotField(day, slot, "open")];
      const close = v[slotField(day, slot, "close")];
      if (open === "" && close === "") continue;
      const path = [slotField(day, slot, open === "" || !OPENS.test(open) ? "open" : "close")];
      if (open === "" || close === "") ctx.addIssue({ code: "custom", path, message: t.merchant.store.errors.slotIncomplete });
      else if (!OPENS.test(open) || !CLOSES.test(close)) ctx.addIssue({ code: "custom", path, message: t.merchant.store.errors.slotFormat });
      else if (open === close) ctx.addIssue({ code: "custom", path, message: t.merchant.store.errors.slotSame });
    }
  }
  if (v.temporarily_closed === "on" && v.reopens_at !== "" && Date.parse(`${v.reopens_at}:00+05:30`) <= Date.now()) {
    ctx.addIssue({ code: "custom", path: ["reopens_at"], message: t.merchant.store.errors.reopensPast });
  }
}).transform((v): StoreWrite => {
  const opening_hours: OpeningHours = {};
  for (const day of WEEKDAYS) {
    opening_hours[day] = SLOTS.map((s): [string, string] => [v[slotField(day, s, "open")], v[slotField(day, s, "close")]]).filter(([a]) => a !== "");
  }
  const closed = v.temporarily_closed === "on";
  return {
    name: v.name,
    category: v.category,
    description: v.description,
    phone: v.phone === "" ? null : v.phone,
    address: v.address,
    location: `SRID=4326;POINT(${v.lng} ${v.lat})`,
    delivery_radius_m: v.delivery_radius_m,
    preparation_minutes: v.preparation_minutes,
    minimum_order_paise: v.minimum_order_rupees * 100,
    opening_hours: openingHoursSchema.parse(opening_hours),
    temporarily_closed: closed,
    reopens_at: closed && v.reopens_at !== "" ? new Date(`${v.reopens_at}:00+05:30`).toISOString() : null,
  };
});

/** The clock time in the shop ("YYYY-MM-DDTHH:MM") of a moment, for a datetime-local input. */
export const shopClock = (iso: string) => new Date(Date.parse(iso) + IST_OFFSET_MS).toISOString().slice(0, 16);

/** The form's values for a store (a new store starts from the table's defaults). */
export function storeFormValues(store: StoreRow | null): Record<string, string> {
  const point = store ? pointOfWkb(String(store.location)) : null;
  const hoursOf = (store?.opening_hours ?? null) as OpeningHours | null;
  const values: Record<string, string> = {
    name: store?.name ?? "",
    category: store?.category ?? "grocery",
    description: store?.description ?? "",
    phone: store?.phone ?? "",
    address: store?.address ?? "",
    lat: point ? String(point.lat) : "",
    lng: point ? String(point.lng) : "",
    delivery_radius_m: String(store?.delivery_radius_m ?? 3000),
    preparation_minutes: String(store?.preparation_minutes ?? 10),
    minimum_order_rupees: String(Math.floor((store?.minimum_order_paise ?? 0) / 100)),
    temporarily_closed: store?.temporarily_closed ? "on" : "",
    reopens_at: store?.reopens_at ? shopClock(store.reopens_at) : "",
  };
  for (const day of WEEKDAYS) {
    // The table's default hours for a new store: 07:00–22:00, Sundays 08:00–21:00.
    const slots = hoursOf ? (hoursOf[day] ?? []) : [day === "sun" ? ["08:00", "21:00"] : ["07:00", "22:00"]];
    for (const slot of SLOTS) {
      values[slotField(day, slot, "open")] = slots[slot - 1]?.[0] ?? "";
      values[slotField(day, slot, "close")] = slots[slot - 1]?.[1] ?? "";
    }
  }
  return values;
}

/** The signed-in merchant's store (the first, should there be more), or null before setup. */
export async function myStore(supabase: Client, ownerId: string) {
  const rows = dataOf(await supabase.from("stores").select("*, is_open").eq("owner_id", z.uuid().parse(ownerId)).order("created_at").order("id").limit(1));
  return rows[0] ?? null;
}

/** Creates the merchant's store (pending until an admin approves it), or changes it. */
export async function saveStore(supabase: Client, storeId: string | null, values: StoreWrite): Promise<StoreRow> {
  if (storeId) return dataOf(await supabase.from("stores").update(values).eq("id", z.uuid().parse(storeId)).select().single());
  const insert = { ...values, name: values.name!, address: values.address!, location: values.location! };
  return dataOf(await supabase.from("stores").insert(insert).select().single());
}

/** The start of today in Asia/Kolkata, as an instant. */
export function startOfShopDay(now = new Date()): Date {
  const local = new Date(now.getTime() + IST_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - IST_OFFSET_MS);
}

export interface TodaysNumbers {
  orders: number;
  delivered: number;
  /** Total of the delivered orders, in paise. */
  revenuePaise: number;
  /** Rejected by the store or cancelled. */
  turnedDown: number;
}

/** Today's orders of the merchant's stores (row-level security keeps them to the merchant's own). */
export async function todaysNumbers(supabase: Client, now = new Date()): Promise<TodaysNumbers> {
  const rows = dataOf(await supabase.from("orders").select("status, total_paise").gte("created_at", startOfShopDay(now).toISOString()));
  const delivered = rows.filter((o) => o.status === "delivered");
  return {
    orders: rows.length,
    delivered: delivered.length,
    revenuePaise: delivered.reduce((sum, o) => sum + o.total_paise, 0),
    turnedDown: rows.filter((o) => o.status === "rejected" || o.status === "cancelled").length,
  };
}

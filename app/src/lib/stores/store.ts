// The merchant's own store: the setup form (checked with the stores table's own limits, so bad
// input is refused field by field before anything is written), its state for the home screen,
// and the day's numbers from the store's orders.
import type { SupabaseClient } from "@supabase/supabase-js";
import {
  MAX_MINIMUM_ORDER_PAISE,
  OPENS,
  CLOSES,
  openingHours,
  STORE_PHONE,
  storeFields,
  WEEKDAYS,
  type OpeningHours,
  type Weekday,
} from "../../../../supabase/functions/_shared/contracts/store.ts";
import { Constants, type Database } from "../database.types.js";
import { t, type Messages } from "../i18n/index.js";
import { pointOfWkb } from "../maps/geo.js";
import { dataOf } from "../orders/refusal.js";
import { z } from "../zod.js";

type Client = SupabaseClient<Database>;
export type StoreRow = Database["public"]["Tables"]["stores"]["Row"];
export type StoreWrite = Database["public"]["Tables"]["stores"]["Update"];
export type StoreCategory = Database["public"]["Enums"]["store_category"];

export { WEEKDAYS, type OpeningHours, type Weekday };
/** Slots per day on the form: a day and a split day (morning, evening) cover most shops. */
export const SLOTS = [1, 2] as const;

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

// The form posts strings: each is trimmed (and read as a number) before the column's own check.
const f = storeFields({
  name: m("name"),
  description: m("description"),
  phone: m("phone"),
  address: m("address"),
  radius: m("radius"),
  preparation: m("preparation"),
  minimumOrder: m("minimumOrder"),
});
const trimmed = z.string().check(z.trim());
const whole = (message: Say) => z.pipe(z.string().check(z.trim(), z.regex(/^[0-9]+$/, message)), z.transform(Number));
const coordinate = (min: number, max: number, message: Say) =>
  z.pipe(z.pipe(z.string().check(z.trim(), z.minLength(1, message)), z.transform(Number)), z.number(message).check(z.gte(min, message), z.lte(max, message)));

const base = z.object({
  name: z.pipe(trimmed, f.name),
  category: z.enum(Constants.public.Enums.store_category, m("category")),
  description: f.description,
  // Empty clears the phone.
  phone: z.pipe(trimmed, z.string().check(z.refine((p) => p === "" || STORE_PHONE.test(p), m("phone")))),
  address: z.pipe(trimmed, f.address),
  lat: coordinate(-90, 90, m("lat")),
  lng: coordinate(-180, 180, m("lng")),
  delivery_radius_m: z.pipe(whole(m("radius")), f.delivery_radius_m),
  preparation_minutes: z.pipe(whole(m("preparation")), f.preparation_minutes),
  // Rupees on the form, paise in the table.
  minimum_order_rupees: z.pipe(whole(m("minimumOrder")), z.int().check(z.gte(0, m("minimumOrder")), z.lte(MAX_MINIMUM_ORDER_PAISE / 100, m("minimumOrder")))),
  temporarily_closed: z.string(),
  // A datetime-local input: "YYYY-MM-DDTHH:MM" on the shop's clock.
  reopens_at: z.string().check(z.trim(), z.regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})?$/, m("reopensAt"))),
});
const withHours = z.extend(base, Object.fromEntries(hourFields.map((h) => [h, trimmed])) as Record<HourField, typeof trimmed>);

/** The setup form's values (strings, as posted) to the columns a merchant may write. */
export const storeFormSchema = z.pipe(
  withHours.check(
    z.superRefine((v, ctx) => {
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
    }),
  ),
  z.transform((v): StoreWrite => {
    const hours: OpeningHours = {};
    for (const day of WEEKDAYS) {
      hours[day] = SLOTS.map((s): [string, string] => [v[slotField(day, s, "open")], v[slotField(day, s, "close")]]).filter(([a]) => a !== "");
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
      opening_hours: openingHours.parse(hours),
      temporarily_closed: closed,
      reopens_at: closed && v.reopens_at !== "" ? new Date(`${v.reopens_at}:00+05:30`).toISOString() : null,
    };
  }),
);

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

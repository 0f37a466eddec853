// A customer's saved delivery addresses (the `addresses` table, read through `my_addresses`) and
// the city's places to find a spot by name. The form's contract is defined once here, for the
// address page's action and its script alike.
import type { SupabaseClient } from "@supabase/supabase-js";
import { addressFields as columnChecks } from "../../../../supabase/functions/_shared/contracts/address.ts";
import { Constants, type Database } from "../database.types.js";
import type { Delivery } from "../cart/cart.js";
import { t } from "../i18n/index.js";
import { z } from "../zod.js";

type Client = SupabaseClient<Database>;
export type AddressLabel = Database["public"]["Enums"]["address_label"];
export const addressLabels = Constants.public.Enums.address_label;

// Messages are read when a check fails, so they come in the language of the request.
const checks = columnChecks({
  house: { error: () => t.addresses.houseInvalid },
  street: { error: () => t.addresses.streetInvalid },
  landmark: { error: () => t.addresses.landmarkInvalid },
  phone: { error: () => t.addresses.phoneInvalid },
});
const pinRequired = { error: () => t.addresses.pinRequired };
const trimmed = z.string().check(z.trim());
const coordinate = (min: number, max: number) =>
  z.pipe(z.pipe(z.string().check(z.trim(), z.minLength(1, pinRequired)), z.transform(Number)), z.number(pinRequired).check(z.gte(min, pinRequired), z.lte(max, pinRequired)));

/** The address form as posted: every field a string; `is_default` a checkbox. */
export const addressForm = z.object({
  label: z.enum(addressLabels, { error: () => t.addresses.labelRequired }),
  house: z.pipe(trimmed, checks.house),
  street: z.pipe(trimmed, checks.street),
  // Left empty, no landmark.
  landmark: z.pipe(z.pipe(trimmed, z.transform((l) => l || null)), z.nullable(checks.landmark)),
  // Spaces and dashes as people type them are dropped; what is kept is digits with an optional +.
  phone: z.pipe(z.pipe(z.string(), z.transform((p) => p.replace(/[\s-]/g, ""))), checks.phone),
  lat: coordinate(-90, 90),
  lng: coordinate(-180, 180),
  is_default: z.pipe(z.optional(z.string()), z.transform((v) => v === "on" || v === "true")),
});
export type AddressInput = z.output<typeof addressForm>;
export const addressFields = ["label", "house", "street", "landmark", "phone", "lat", "lng", "is_default"] as const;
export type AddressField = (typeof addressFields)[number];

export interface SavedAddress {
  id: string;
  label: AddressLabel;
  house: string;
  street: string;
  landmark: string | null;
  phone: string;
  is_default: boolean;
  lat: number;
  lng: number;
  /** The text an order keeps: house, street, landmark. */
  line: string;
}

/** The caller's addresses, the default first. */
export async function listAddresses(supabase: Client): Promise<SavedAddress[]> {
  const { data, error } = await supabase
    .from("my_addresses")
    .select("id, label, house, street, landmark, phone, is_default, lat, lng, line")
    .order("is_default", { ascending: false })
    .order("created_at");
  if (error) throw error;
  return data.map((a) => ({ ...a, label: a.label!, is_default: !!a.is_default })) as SavedAddress[];
}

export async function saveAddress(supabase: Client, input: AddressInput): Promise<{ id: string }> {
  const { lat, lng, ...rest } = input;
  const { data, error } = await supabase
    .from("addresses")
    .insert({ ...rest, location: `SRID=4326;POINT(${lng} ${lat})` })
    .select("id")
    .single();
  if (error) throw error;
  return data;
}

export async function makeDefault(supabase: Client, id: string): Promise<void> {
  const { error } = await supabase.from("addresses").update({ is_default: true }).eq("id", id);
  if (error) throw error;
}

export async function removeAddress(supabase: Client, id: string): Promise<void> {
  const { error } = await supabase.from("addresses").delete().eq("id", id);
  if (error) throw error;
}

/** What checkout sends for a saved address: the order keeps this snapshot. */
export const toDelivery = (a: SavedAddress): Delivery => ({ address: a.line, lat: a.lat, lng: a.lng, phone: a.phone });

export interface Place {
  name: string;
  kind: string;
  pin_code: string | null;
  lat: number;
  lng: number;
}

/**
 * Places matching what was typed. The only lookup by name in the app: today the project's own
 * gazetteer (`search_places`, Pune's localities and landmarks); a geocoding service replaces it here.
 */
export async function searchPlaces(supabase: Client, q: string): Promise<Place[]> {
  const query = q.trim();
  if (query.length < 2) return [];
  const { data, error } = await supabase.rpc("search_places", { q: query.slice(0, 100) });
  if (error) throw error;
  return data;
}

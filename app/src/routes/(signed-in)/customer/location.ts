// The customer's delivery location, kept on the device in a cookie so that the server can render
// the nearby stores and search results on the first request, before any script has loaded.
import type { Cookies } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { addressLabels, type SavedAddress } from "$lib/addresses/addresses";
import { t } from "$lib/i18n";

export const LOCATION_COOKIE = "kirana_location";

/** A few Pune neighbourhoods to pick from when the phone cannot or will not say where it is. */
export const localities = {
  kothrud: { lat: 18.5074, lng: 73.8077 },
  shivajinagar: { lat: 18.5308, lng: 73.8475 },
  kasbaPeth: { lat: 18.5196, lng: 73.8553 },
  deccan: { lat: 18.5167, lng: 73.8415 },
  aundh: { lat: 18.559, lng: 73.8077 },
  vimanNagar: { lat: 18.5679, lng: 73.9143 },
} as const;
export type Locality = keyof typeof localities;
export const localityIds = Object.keys(localities) as Locality[];

// Messages are read when a check fails, so they come in the language of the request.
const numberRequired = { error: () => t.shop.location.numberRequired };
const coordinate = (min: number, max: number, range: { error: () => string }) =>
  z.pipe(z.pipe(z.string().check(z.trim(), z.minLength(1, numberRequired)), z.transform(Number)), z.number(numberRequired).check(z.gte(min, range), z.lte(max, range)));

/** The coordinates form (typed by hand or filled from the phone's position). */
export const pointForm = z.object({
  lat: coordinate(-90, 90, { error: () => t.shop.location.latRange }),
  lng: coordinate(-180, 180, { error: () => t.shop.location.lngRange }),
});

export const localityForm = z.object({ locality: z.enum(localityIds as [Locality, ...Locality[]], { error: () => t.shop.location.unknownLocality }) });

const stored = z.object({
  lat: z.number().check(z.gte(-90), z.lte(90)),
  lng: z.number().check(z.gte(-180), z.lte(180)),
  locality: z.optional(z.enum(localityIds as [Locality, ...Locality[]])),
  fromDevice: z.optional(z.boolean()),
  /** The saved address it came from (its label): the default address sets the location. */
  address: z.optional(z.enum(addressLabels)),
});
export type DeliveryLocation = z.infer<typeof stored>;

/** The location kept on this device, or null (none yet, or not readable). */
export function readLocation(cookies: Cookies): DeliveryLocation | null {
  const raw = cookies.get(LOCATION_COOKIE);
  if (!raw) return null;
  try {
    const parsed = stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function keepLocation(cookies: Cookies, location: DeliveryLocation, secure: boolean): void {
  cookies.set(LOCATION_COOKIE, JSON.stringify(location), { path: "/", maxAge: 60 * 60 * 24 * 365, sameSite: "lax", httpOnly: false, secure });
}

/** The default address as the location for discovery. */
export const addressLocation = (a: SavedAddress): DeliveryLocation => ({ lat: a.lat, lng: a.lng, address: a.label });

/** How a location is named on screen. */
export function locationLabel(location: DeliveryLocation): string {
  if (location.address) return t.addresses.labels[location.address];
  if (location.locality) return t.shop.localities[location.locality];
  if (location.fromDevice) return t.shop.location.myPosition;
  return t.shop.location.pointLabel(location.lat, location.lng);
}

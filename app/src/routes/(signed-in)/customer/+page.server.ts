import { listAddresses } from "$lib/addresses/addresses";
import { nearbyStores, type NearbyStore } from "$lib/discovery/discovery";
import { logLoadFailure } from "$lib/server/failure";
import { addressLocation, keepLocation, readLocation, locationLabel } from "./location";
import { storePoints } from "./store-points";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, cookies, url, route }) => {
  let location = readLocation(cookies);
  // No location chosen on this device yet: the default address is where to look.
  if (!location) {
    const home = (await listAddresses(locals.supabase).catch(() => []))[0];
    if (home?.is_default) {
      location = addressLocation(home);
      keepLocation(cookies, location, url.protocol === "https:");
    }
  }
  const showClosed = url.searchParams.get("closed") === "1";
  if (!location) return { location: null, showClosed, stores: [] as NearbyStore[], points: {}, failed: false };
  try {
    const stores = await nearbyStores(locals.supabase, { lat: location.lat, lng: location.lng, openNow: !showClosed });
    const points = await storePoints(locals.supabase, stores.map((s) => s.id));
    return { location: { ...location, label: locationLabel(location) }, showClosed, stores, points, failed: false };
  } catch (e) {
    logLoadFailure(route, `nearby stores at ${location.lat},${location.lng}`, e);
    return { location: { ...location, label: locationLabel(location) }, showClosed, stores: [] as NearbyStore[], points: {}, failed: true };
  }
};

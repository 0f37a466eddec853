// The customer's last nearby stores, kept on the device (localforage, per user) so that the home
// screen, served by the service worker while offline, shows them with when they were seen.
import { keptStore } from "../offline/kept.js";
import type { NearbyStore } from "./discovery.js";

export interface SavedStores {
  /** When they were seen online (ms since the epoch). */
  at: number;
  location: { lat: number; lng: number; label: string };
  showClosed: boolean;
  stores: NearbyStore[];
  points: Record<string, { lat: number; lng: number }>;
  failed: false;
}

export async function keepStores(userId: string, saved: SavedStores): Promise<void> {
  try {
    await (await keptStore("stores", userId)).setItem("last", saved);
  } catch {
    // No storage (private mode, full disk): only the offline copy is missing.
  }
}

export async function lastStores(userId: string): Promise<SavedStores | null> {
  try {
    return await (await keptStore("stores", userId)).getItem<SavedStores>("last");
  } catch {
    return null;
  }
}

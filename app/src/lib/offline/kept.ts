// What the app keeps on this device for the signed-in person, in one place, so that signing out
// forgets all of it: phones are often shared by a family. Each kind of data is a localforage
// store (IndexedDB) of its own per person; the pages the service worker keeps are one cache.
import type { Cookies } from "@sveltejs/kit";
import type LocalForage from "localforage";
import { CART_COOKIE, DEVICE_CART_COOKIE } from "../cart/cookie.js";
import { PENDING_COOKIE } from "../outbox/pending-cookie.js";

/** The person's stores: queued writes, chats, handover checks, the last nearby stores. */
type Kind = "outbox" | "chats" | "handover" | "stores";
const KINDS: Kind[] = ["outbox", "chats", "handover", "stores"];
const DATABASE = "kirana";

/** The service worker's cache of signed-in pages and their data (vite.config.ts). */
export const PAGES_CACHE = "kirana-pages";
/** Its cache of photos (vite.config.ts): door photos are private. */
export const IMAGES_CACHE = "kirana-images";
const CACHES = [PAGES_CACHE, IMAGES_CACHE];

const storeName = (kind: Kind, userId: string) => `${kind}_${userId.replace(/[^a-zA-Z0-9]/g, "_")}`;

/** The person's store of that kind on this device. */
export async function keptStore(kind: Kind, userId: string): Promise<LocalForage> {
  const { default: localforage } = await import("localforage");
  return localforage.createInstance({ name: DATABASE, storeName: storeName(kind, userId) });
}

/**
 * The app's keys in localStorage and sessionStorage are the person's (the cart, the address last
 * typed, a checkout's key, ...) or carry their id (a "Not now" to alerts).
 */
const personal = (key: string, userId: string) => key.startsWith("kirana.") || key.includes(userId);

/**
 * Forgets everything the app kept on this device for the person: their stores (dropped, so not
 * even a store named after them is left), the kept pages and their keys in web storage.
 */
export async function forgetAll(userId: string): Promise<void> {
  for (const storage of [localStorage, sessionStorage]) {
    for (const key of Object.keys(storage)) if (personal(key, userId)) storage.removeItem(key);
  }
  for (const name of CACHES) await globalThis.caches?.delete(name);
  await forgetCacheDates();
  const existing = await storeNames();
  // One at a time: dropping a store upgrades the database, and upgrades queue behind each other.
  // Emptied first, so the data is gone even if another tab holds the upgrade back.
  for (const kind of KINDS.filter((k) => existing.includes(storeName(k, userId)))) {
    const store = await keptStore(kind, userId);
    await store.ready();
    await store.clear();
    await store.dropInstance({ name: DATABASE, storeName: storeName(kind, userId) });
  }
}

/**
 * The cookies with the person's data (the cart, the count of queued writes), deleted by the
 * sign-out's answer: a sign-out without JavaScript forgets them too.
 */
export function forgetCookies(cookies: Cookies): void {
  cookies.delete(CART_COOKIE, { path: "/" });
  cookies.delete(DEVICE_CART_COOKIE, { path: "/customer" });
  cookies.delete(PENDING_COOKIE, { path: "/" });
}

/** The stores the app's database has on this device. */
async function storeNames(): Promise<string[]> {
  const db = await open(DATABASE);
  const names = db ? [...db.objectStoreNames] : [];
  db?.close();
  return names;
}

/**
 * The service worker's expiry of kept pages and photos (Workbox's, in its own database) lists
 * each one's URL, which names the person's orders: those entries go with the caches.
 */
async function forgetCacheDates(): Promise<void> {
  const db = await open("workbox-expiration");
  if (!db) return;
  try {
    if (!db.objectStoreNames.contains("cache-entries")) return;
    const tx = db.transaction("cache-entries", "readwrite");
    const byCache = tx.objectStore("cache-entries").index("cacheName");
    for (const name of CACHES) {
      byCache.openKeyCursor(IDBKeyRange.only(name)).onsuccess = function () {
        const cursor = this.result;
        if (!cursor) return;
        tx.objectStore("cache-entries").delete(cursor.primaryKey);
        cursor.continue();
      };
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** A database as it is, or null when there is none (never created here: its owner creates it). */
function open(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => (request.error?.name === "AbortError" ? resolve(null) : reject(request.error));
  });
}

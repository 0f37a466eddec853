import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "$lib/database.types";
import { supabaseConfig } from "$lib/supabase/config";

/** Where this device's endpoint is remembered, so signing out can remove it (see the sign-out form). */
export const ENDPOINT_KEY = "kirana-push-endpoint";
/** A "Not now" is remembered per person and reason, so the offer does not come back on every visit. */
const dismissedKey = (userId: string, reason: string) => `kirana-push-not-now:${userId}:${reason}`;

export type PushState = "unsupported" | "default" | "granted" | "denied";

/** What the browser allows: Web Push needs a service worker, the Push API and notifications. */
export function pushState(): PushState {
  if (typeof window === "undefined" || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  return Notification.permission;
}

export const dismissed = (userId: string, reason: string) => localStorage.getItem(dismissedKey(userId, reason)) !== null;
export const dismiss = (userId: string, reason: string) => localStorage.setItem(dismissedKey(userId, reason), new Date().toISOString());

const PublicKey = z.object({ publicKey: z.string().check(z.regex(/^[A-Za-z0-9_-]{87}$/)) });
const Subscription = z.object({ endpoint: z.url(), keys: z.object({ p256dh: z.string(), auth: z.string() }) });

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** A short name for this device, as the person would recognise it in a list. */
function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "Mac" : /Linux/.test(ua) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}

/**
 * Asks the browser for notifications (call it from a tap), subscribes this device with the push
 * function's VAPID key and saves the subscription for the signed-in person. Never throws: a
 * refusal or a failure leaves the app working as before, with the in-app list only.
 */
export async function turnOnPush(supabase: SupabaseClient<Database>): Promise<PushState | "failed"> {
  if (pushState() === "unsupported") return "unsupported";
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return permission;
    const { url, key } = supabaseConfig();
    const res = await fetch(`${url}/functions/v1/push`, { headers: { apikey: key } });
    const { publicKey } = PublicKey.parse(await res.json());
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(publicKey) }));
    const { endpoint, keys } = Subscription.parse(subscription.toJSON());
    const { error } = await supabase.rpc("save_push_subscription", { endpoint, p256dh: keys.p256dh, auth: keys.auth, device_label: deviceLabel() });
    if (error) throw error;
    localStorage.setItem(ENDPOINT_KEY, endpoint);
    return "granted";
  } catch (e) {
    console.warn("push: could not turn notifications on", e);
    return "failed";
  }
}

/** On sign-out: this device stops receiving the person's notifications (the row goes on the server). */
export async function forgetDevice(): Promise<void> {
  localStorage.removeItem(ENDPOINT_KEY);
  const registration = await navigator.serviceWorker?.getRegistration();
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}

// The job's handover check (the platform's public key) kept on the phone (localforage, a store per
// user), so the customer's QR code can be verified at a door with no signal.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { keptStore } from "../offline/kept.js";
import { handoverCheck, handoverCheckSchema, type HandoverCheck } from "./deliveries.js";

/**
 * The check from the server when it answers (and kept for later), else the one kept when the
 * job was last opened online; null when there is neither.
 */
export async function deviceHandoverCheck(client: () => Promise<SupabaseClient<Database>>, userId: string, orderId: string): Promise<HandoverCheck | null> {
  const store = await keptStore("handover", userId);
  try {
    const check = await handoverCheck(await client(), orderId);
    await store.setItem(orderId, check);
    return check;
  } catch {
    const saved = handoverCheckSchema.safeParse(await store.getItem(orderId));
    return saved.success ? saved.data : null;
  }
}

/** Forgets a finished job's check. */
export async function forgetHandoverCheck(userId: string, orderId: string): Promise<void> {
  await (await keptStore("handover", userId)).removeItem(orderId);
}

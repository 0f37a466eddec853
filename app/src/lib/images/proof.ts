// The door photo of a delivered order, for the people the bucket's policies let read it (the
// customer, the store's merchant, the rider, admins): a link that works for an hour.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { BUCKETS } from "./images.js";

export const PROOF_LINK_SECONDS = 3600;

/** A signed URL of the photo, or null without one (none taken, or it cannot be read now). */
export async function deliveryProofUrl(supabase: SupabaseClient<Database>, path: string | null): Promise<string | null> {
  if (!path) return null;
  const { data, error } = await supabase.storage.from(BUCKETS.proofs).createSignedUrl(path, PROOF_LINK_SECONDS);
  return error ? null : data.signedUrl;
}

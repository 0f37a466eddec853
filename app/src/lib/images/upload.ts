// Sending photos to Storage and naming them on their rows: a product's photo (replacing the old
// one) and a rider's door photo. Each step is safe to repeat, so the outbox may send again after
// a lost answer: the object's name comes from the outbox item, and a second upload of it finds
// it there already.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { dataOf, Refused } from "../orders/refusal.js";
import { BUCKETS, type Bucket } from "./images.js";

type Client = SupabaseClient<Database>;

/** A Storage error as a Refused with its HTTP status (Storage puts the real one in `statusCode`). */
function storageRefusal(error: { message: string; status?: number; statusCode?: string; code?: string }): Refused {
  const status = Number(error.statusCode) || error.status || 0;
  return new Refused(status, error.code ?? String(status), error.message);
}

/** Uploads the object unless an earlier attempt already did (the same name is the same photo). */
async function put(supabase: Client, bucket: Bucket, name: string, blob: Blob, type: string): Promise<void> {
  const { error } = await supabase.storage.from(bucket).upload(name, blob, { contentType: type, cacheControl: "31536000", upsert: false });
  if (!error) return;
  const refused = storageRefusal(error);
  if (refused.status === 409 || refused.code === "Duplicate" || refused.code === "ResourceAlreadyExists") return;
  throw refused;
}

/**
 * The product's photo replaced by `blob` stored as `name` (its row names it), then the old photo
 * removed. Null when the product is not one of the merchant's. Removing the old one is tidying:
 * if it fails, the new photo still counts.
 */
export async function replaceProductImage(supabase: Client, productId: string, name: string, blob: Blob, type: string) {
  const before: { image_path: string | null } | null = dataOf(await supabase.from("products").select("image_path").eq("id", productId).maybeSingle());
  if (!before) return null;
  await put(supabase, BUCKETS.products, name, blob, type);
  const saved = dataOf(await supabase.from("products").update({ image_path: name }).eq("id", productId).select("id, image_path").maybeSingle());
  if (saved && before.image_path && before.image_path !== name) await supabase.storage.from(BUCKETS.products).remove([before.image_path]);
  return saved;
}

/** The door photo stored as `name`, then attached to the order (only its rider may). */
export async function sendDeliveryProof(supabase: Client, orderId: string, name: string, blob: Blob, type: string): Promise<void> {
  await put(supabase, BUCKETS.proofs, name, blob, type);
  dataOf(await supabase.rpc("attach_delivery_proof", { p_order_id: orderId, p_path: name }));
}

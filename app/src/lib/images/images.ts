// Photos in Supabase Storage: where each kind lives, the names its objects take, and the URLs a
// page shows them by. Plain functions of strings, so the server renders <img> tags without
// loading supabase-js, and the browser builds the same URLs.

/** The buckets (a migration makes them): public product and store photos, private door photos. */
export const BUCKETS = {
  products: "product-images",
  stores: "store-photos",
  proofs: "delivery-proofs",
} as const;
export type Bucket = (typeof BUCKETS)[keyof typeof BUCKETS];

/** What the buckets take; the phone makes photos smaller than this before sending them. */
export const MAX_IMAGE_BYTES = 1_000_000;
export const IMAGE_TYPES = ["image/webp", "image/jpeg", "image/png"] as const;

const EXTENSIONS: Record<string, string> = { "image/webp": "webp", "image/jpeg": "jpg", "image/png": "png" };
const extension = (type: string) => EXTENSIONS[type] ?? "bin";

/**
 * A product's photo: `{store_id}/{product_id}/{id}.{ext}`. A new name for every replacement, so a
 * kept copy of the old photo is never shown for the new one; `id` is the outbox item's, so a
 * replayed upload writes the same object.
 */
export const productImageName = (storeId: string, productId: string, id: string, type: string): string =>
  `${storeId}/${productId}/${id}.${extension(type)}`;

/** A door photo: `{order_id}/{id}.{ext}`. */
export const deliveryProofName = (orderId: string, id: string, type: string): string => `${orderId}/${id}.${extension(type)}`;

/** The object a public bucket serves at `/storage/v1/object/public/...` (the same URL getPublicUrl builds). */
export function publicUrl(apiUrl: string, bucket: Bucket, path: string): string {
  const name = path.split("/").map(encodeURIComponent).join("/");
  return `${apiUrl.replace(/\/$/, "")}/storage/v1/object/public/${bucket}/${name}`;
}

/**
 * What an <img> of a public photo needs for a square slot of `size` CSS pixels. Where Storage
 * transforms images (hosted Supabase's image transformation), `srcset` asks for the slot's width
 * at 1x, 2x and 3x; without it (the local stack) the stored photo, which the phone already made
 * small, is the one size there is.
 */
export function thumbnail(apiUrl: string, bucket: Bucket, path: string, size: number, transform: boolean): { src: string; srcset: string | undefined } {
  const src = publicUrl(apiUrl, bucket, path);
  if (!transform) return { src, srcset: undefined };
  const render = src.replace("/storage/v1/object/public/", "/storage/v1/render/image/public/");
  const at = (x: number) => `${render}?width=${size * x}&height=${size * x}&resize=cover ${x}x`;
  return { src: `${render}?width=${size * 2}&height=${size * 2}&resize=cover`, srcset: [1, 2, 3].map(at).join(", ") };
}

/**
 * The tile shown where a product has no photo: its aisle's initial on the aisle's own colour, so
 * a shelf without photos still reads as aisles. The hue comes from the aisle's name, so it is the
 * same on every page and needs no list to keep up to date.
 */
export function placeholderFor(aisle: string): { hue: number; initial: string } {
  let hash = 0;
  for (const c of aisle) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return { hue: (hash % 24) * 15, initial: (aisle.trim()[0] ?? "·").toUpperCase() };
}

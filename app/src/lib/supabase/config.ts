import { env } from "$env/dynamic/public";

/**
 * The project's API URL and publishable (anon) key, read when the app runs rather than baked in
 * at build time, so one build serves any stack (`npm start` passes them to the app).
 */
export function supabaseConfig(): { url: string; key: string } {
  const url = env.PUBLIC_SUPABASE_URL;
  const key = env.PUBLIC_SUPABASE_ANON_KEY;
  if (!url || !key) throw new Error("PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY must be set (npm start sets them).");
  return { url, key };
}

/**
 * Whether Storage transforms images (hosted Supabase's image transformation, a paid feature):
 * then thumbnails ask for their slot's size; without it, for the photo as stored.
 */
export const imageTransform = (): boolean => env.PUBLIC_SUPABASE_IMAGE_TRANSFORM === "1";

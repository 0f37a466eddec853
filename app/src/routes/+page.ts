import { env } from "$env/dynamic/public";
import type { PageLoad } from "./$types";

// Until the PWA lands, the app only shows whether the API it will use answers.
export const load: PageLoad = async ({ fetch }) => {
  const apiUrl = env.PUBLIC_SUPABASE_URL ?? "http://127.0.0.1:54321";
  try {
    const res = await fetch(`${apiUrl}/auth/v1/health`, { headers: { apikey: env.PUBLIC_SUPABASE_ANON_KEY ?? "" } });
    return { apiUrl, apiUp: res.ok };
  } catch {
    return { apiUrl, apiUp: false };
  }
};

import { env } from "$env/dynamic/public";
import { createClient } from "@supabase/supabase-js";
import type { Database } from "$lib/database.types";
import type { PageLoad } from "./$types";

// Until the PWA lands, the app only shows whether the API answers and how many stores it lists.
export const load: PageLoad = async ({ fetch }) => {
  const apiUrl = env.PUBLIC_SUPABASE_URL ?? "http://127.0.0.1:54321";
  const supabase = createClient<Database>(apiUrl, env.PUBLIC_SUPABASE_ANON_KEY ?? "", {
    global: { fetch },
    auth: { persistSession: false, autoRefreshToken: false },
  });
  try {
    const { count, error } = await supabase.from("stores").select("id", { count: "exact", head: true });
    return { apiUrl, apiUp: !error, stores: count ?? 0 };
  } catch {
    return { apiUrl, apiUp: false, stores: 0 };
  }
};

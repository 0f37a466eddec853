import { createBrowserClient, createServerClient, isBrowser } from "@supabase/ssr";
import type { Database } from "$lib/database.types";
import { supabaseConfig } from "$lib/supabase/config";
import type { LayoutLoad } from "./$types";

/** Gives every page a typed client: the browser's own in the browser, one built from the request's cookies on the server. */
export const load: LayoutLoad = async ({ data, depends, fetch }) => {
  depends("supabase:auth");
  const { url, key } = supabaseConfig();
  const supabase = isBrowser()
    ? createBrowserClient<Database>(url, key, { global: { fetch } })
    : createServerClient<Database>(url, key, { global: { fetch }, cookies: { getAll: () => data.cookies } });
  // The user and profile come from the server, which checked the token with Auth; asking Auth
  // again from the phone would cost a round trip on a slow network for nothing.
  const {
    data: { session },
  } = await supabase.auth.getSession();
  return { supabase, session, user: data.user, profile: data.profile, notices: data.notices };
};

import { createBrowserClient, createServerClient, isBrowser } from "@supabase/ssr";
import type { Database } from "$lib/database.types";
import { supabaseConfig } from "$lib/supabase/config";
import type { LayoutLoad } from "./$types";

/**
 * Gives every signed-in page a typed client: the browser's own in the browser, one built from the
 * request's cookies on the server. Only these pages load supabase-js; the visitors' pages do not.
 */
export const load: LayoutLoad = async ({ data, depends, fetch }) => {
  depends("supabase:auth");
  const { url, key } = supabaseConfig();
  const supabase = isBrowser()
    ? createBrowserClient<Database>(url, key, { global: { fetch } })
    : createServerClient<Database>(url, key, { global: { fetch }, cookies: { getAll: () => data.cookies } });
  // The profile comes from the server, which checked the token with Auth; asking Auth again from
  // the phone would cost a round trip on a slow network for nothing.
  const {
    data: { session },
  } = await supabase.auth.getSession();
  return { supabase, session, profile: data.profile, pending: data.pending, loadedAt: data.loadedAt, notices: data.notices };
};

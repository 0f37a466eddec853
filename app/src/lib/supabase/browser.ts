// The browser's Supabase client, loaded on first need rather than with the page: supabase-js is
// the largest script a signed-in page would otherwise download and parse before it can be used,
// and the pages need it only for live updates and sending, after they are shown. The service
// worker keeps its chunk like every other, so it loads offline too.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../database.types.js";
import { supabaseConfig } from "./config.js";

export type Client = SupabaseClient<Database>;

let client: Promise<Client> | undefined;

/** The one client of this page (the session is read from the cookies the server set). */
export function browserClient(): Promise<Client> {
  client ??= import("@supabase/ssr").then(async ({ createBrowserClient }) => {
    const { url, key } = supabaseConfig();
    const supabase = createBrowserClient<Database>(url, key);
    // The session read from the cookies first: a live topic joined before it would join unsigned.
    await supabase.auth.getSession();
    return supabase;
  });
  return client;
}

/**
 * Starts `use` once the client is there and returns how to stop it, whether that comes before
 * or after: for effects that follow something live.
 */
export function withClient(use: (supabase: Client) => (() => void) | void): () => void {
  let stop: (() => void) | void;
  let gone = false;
  void browserClient().then((supabase) => {
    if (!gone) stop = use(supabase);
  });
  return () => {
    gone = true;
    stop?.();
  };
}

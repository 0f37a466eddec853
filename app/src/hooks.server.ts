import { createServerClient } from "@supabase/ssr";
import { redirect, type Handle, type HandleServerError } from "@sveltejs/kit";
import { sequence } from "@sveltejs/kit/hooks";
import { areaOf } from "$lib/accounts/roles";
import { loadAccount, type Account } from "$lib/accounts/session";
import type { Database } from "$lib/database.types";
import { t } from "$lib/i18n";
import { compress } from "$lib/server/compress";
import { logServerError } from "$lib/server/failure";
import { language } from "$lib/server/language";
import { supabaseConfig } from "$lib/supabase/config";

const supabase: Handle = async ({ event, resolve }) => {
  const { url, key } = supabaseConfig();
  event.locals.supabase = createServerClient<Database>(url, key, {
    cookies: {
      getAll: () => event.cookies.getAll(),
      setAll: (cookies) => {
        // Secure only over https: the session must also work on http://127.0.0.1 in development.
        for (const { name, value, options } of cookies) event.cookies.set(name, value, { ...options, path: "/", secure: event.url.protocol === "https:" });
      },
    },
  });
  let account: Promise<Account> | undefined;
  event.locals.safeGetSession = () => (account ??= loadAccount(event.locals.supabase));
  return resolve(event, {
    // supabase-js reads these from responses that server loads replay in the browser.
    filterSerializedResponseHeaders: (name) => name === "content-range" || name === "x-supabase-api-version",
  });
};

/**
 * Each role's area (/customer, /merchant, /rider, /admin) is for signed-in accounts of that role.
 * A signed-out visitor goes to sign-in and comes back after. Another role's page is refused by
 * the area's layout (a 403 page with a way home); anything else sent there (a form post, an
 * endpoint) is refused here, before it runs.
 */
const areas: Handle = async ({ event, resolve }) => {
  const area = areaOf(event.url.pathname);
  if (!area) return resolve(event);
  const { profile } = await event.locals.safeGetSession();
  if (!profile) redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
  if (profile.role !== area && event.request.method !== "GET" && event.request.method !== "HEAD") {
    return new Response(t.errors.forbidden, { status: 403 });
  }
  return resolve(event);
};

/** Every response the app renders goes out compressed when the browser takes it (see compress.ts). */
const compressed: Handle = async ({ event, resolve }) => compress(event.request, await resolve(event));

export const handle = sequence(compressed, language, supabase, areas);

/**
 * An unexpected error (a load or action that threw): logged with its route, status and a short
 * id; the person gets a plain message and that id to quote. A missing page (404) is no fault.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status < 500) return { message };
  return { message: t.errors.generic, id: logServerError(event, status, error) };
};

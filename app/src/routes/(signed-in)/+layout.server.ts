import { error, redirect } from "@sveltejs/kit";
import { areaOf, homeOf } from "$lib/accounts/roles";
import { t } from "$lib/i18n";
import { isNotified, noticesOf } from "$lib/notifications/notifications";
import { PENDING_COOKIE, pendingFromCookie } from "$lib/outbox/pending-cookie";
import type { LayoutServerLoad } from "./$types";

// Every area (/customer, /merchant, /rider, /admin) is for its own role only.
export const load: LayoutServerLoad = async ({ locals, url, cookies, depends }) => {
  // Invalidated by the page when the browser's session changes (refreshed, ended in another tab).
  depends("supabase:auth");
  const { profile, session } = await locals.safeGetSession();
  if (!profile) redirect(303, "/sign-in"); // hooks.server.ts sends visitors first; this narrows the type
  if (areaOf(url.pathname) !== profile.role) error(403, { message: t.errors.forbidden, home: homeOf(profile.role) });
  return {
    profile,
    /** The session's end as the server read it: the browser's client reports changes against it. */
    sessionExpiresAt: session.expires_at,
    pending: pendingFromCookie(cookies.get(PENDING_COOKIE), profile.id),
    // The bell is rendered with its count, so nothing moves when the page comes alive.
    notices: isNotified(profile.role) ? await noticesOf(locals.supabase, profile) : { unread: 0, ringing: [] },
    // When this page was rendered: the service worker keeps pages for offline, which then say how
    // old they are. The layout's load runs again on every navigation (it reads the path).
    loadedAt: new Date().toISOString(),
  };
};

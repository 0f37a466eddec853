import { noticesOf } from "$lib/notifications/notifications";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ locals, cookies }) => {
  const { session, user, profile } = await locals.safeGetSession();
  // The bell is rendered with its count, so nothing moves when the page comes alive.
  const notices = profile ? await noticesOf(locals.supabase, profile) : { unread: 0, ringing: [] };
  // The cookies let +layout.ts build the same session into its client during server rendering.
  return { session, user, profile, notices, cookies: cookies.getAll() };
};

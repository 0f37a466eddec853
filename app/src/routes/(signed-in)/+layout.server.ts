import { error, redirect } from "@sveltejs/kit";
import { areaOf, homeOf } from "$lib/accounts/roles";
import { t } from "$lib/i18n";
import type { LayoutServerLoad } from "./$types";

// Every area (/customer, /merchant, /rider, /admin) is for its own role only.
export const load: LayoutServerLoad = async ({ locals, url }) => {
  const { profile } = await locals.safeGetSession();
  if (!profile) redirect(303, "/sign-in"); // hooks.server.ts sends visitors first; this narrows the type
  if (areaOf(url.pathname) !== profile.role) error(403, { message: t.errors.forbidden, home: homeOf(profile.role) });
  return { profile };
};

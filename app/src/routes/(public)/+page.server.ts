import { redirect } from "@sveltejs/kit";
import { homeOf } from "$lib/accounts/roles";
import type { PageServerLoad } from "./$types";

// Signed-in people start in their own area; visitors see the welcome page.
export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  if (profile) redirect(303, homeOf(profile.role));
};

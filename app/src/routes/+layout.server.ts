import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async ({ locals, cookies }) => {
  const { session, user, profile } = await locals.safeGetSession();
  // The cookies let +layout.ts build the same session into its client during server rendering.
  return { session, user, profile, cookies: cookies.getAll() };
};

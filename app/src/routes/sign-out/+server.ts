import { redirect } from "@sveltejs/kit";
import type { RequestHandler } from "./$types";

// A plain form post, so signing out works before the page's script has loaded.
export const POST: RequestHandler = async ({ locals }) => {
  // This device only: signing out of one phone leaves the person's other devices signed in.
  await locals.supabase.auth.signOut({ scope: "local" });
  redirect(303, "/sign-in");
};

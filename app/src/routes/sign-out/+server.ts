import { redirect } from "@sveltejs/kit";
import { forgetCookies } from "$lib/offline/kept";
import type { RequestHandler } from "./$types";

// A plain form post, so signing out works before the page's script has loaded.
export const POST: RequestHandler = async ({ locals, request, cookies }) => {
  // This device's push subscription, if it had one: its owner removes it while still signed in.
  const endpoint = (await request.formData().catch(() => null))?.get("push_endpoint");
  if (typeof endpoint === "string" && endpoint.startsWith("https://")) {
    await locals.supabase.from("push_subscriptions").delete().eq("endpoint", endpoint);
  }
  // This device only: signing out of one phone leaves the person's other devices signed in.
  await locals.supabase.auth.signOut({ scope: "local" });
  // The person's cart and outbox count; the page's script forgot what the device keeps.
  forgetCookies(cookies);
  redirect(303, "/sign-in");
};

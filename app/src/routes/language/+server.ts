import { error, redirect } from "@sveltejs/kit";
import { isLanguage, LANGUAGE_COOKIE } from "$lib/i18n";
import { keepLanguage } from "$lib/server/language";
import type { RequestHandler } from "./$types";

/**
 * The language switch (a plain form, so it works without JavaScript): the choice goes into the
 * cookie the next page is rendered from and, for a signed-in person, into their profile, so it
 * follows them to another phone. Then back to the page it was made on, now in that language.
 */
export const POST: RequestHandler = async ({ request, cookies, locals, url }) => {
  const form = await request.formData();
  const chosen = form.get(LANGUAGE_COOKIE);
  if (!isLanguage(chosen)) error(400, "Unknown language: choose en, hi or mr.");
  const next = String(form.get("next") ?? "/");
  keepLanguage(cookies, chosen, url.protocol === "https:");
  const { profile } = await locals.safeGetSession();
  if (profile && profile.language !== chosen) await locals.supabase.from("profiles").update({ language: chosen }).eq("id", profile.id);
  // Only a path of this site: never an open redirect.
  redirect(303, next.startsWith("/") && !next.startsWith("//") ? next : "/");
};

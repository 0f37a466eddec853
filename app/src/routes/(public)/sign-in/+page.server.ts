import { fail, redirect } from "@sveltejs/kit";
import { signInFailureMessage } from "$lib/accounts/auth-errors";
import { fieldErrors, formValues, signInForm, type FormFailure } from "$lib/accounts/forms";
import { homeOf, landingFor } from "$lib/accounts/roles";
import { loadAccount } from "$lib/accounts/session";
import { isLanguage, t } from "$lib/i18n";
import { keepLanguage } from "$lib/server/language";
import type { Actions, PageServerLoad } from "./$types";

type Field = "email" | "password";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  if (profile) redirect(303, homeOf(profile.role));
};

export const actions: Actions = {
  default: async ({ request, locals, url, cookies }) => {
    const values = formValues(await request.formData(), ["email", "password"]);
    const refuse = (errors: FormFailure<Field>["errors"]) => fail(400, { values: { email: values.email }, errors } satisfies FormFailure<Field>);
    const parsed = signInForm.safeParse(values);
    if (!parsed.success) return refuse(fieldErrors<Field>(parsed.error));

    const { error } = await locals.supabase.auth.signInWithPassword(parsed.data);
    if (error) return refuse({ form: signInFailureMessage(error) });
    const { profile } = await loadAccount(locals.supabase);
    if (!profile) return refuse({ form: t.errors.generic });
    // The language kept in the profile follows the person to this phone.
    if (isLanguage(profile.language)) keepLanguage(cookies, profile.language, url.protocol === "https:");
    redirect(303, landingFor(profile.role, url.searchParams.get("next")));
  },
};

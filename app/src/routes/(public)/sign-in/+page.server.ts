import { fail, redirect } from "@sveltejs/kit";
import { signInFailureMessage } from "$lib/accounts/auth-errors";
import { fieldErrors, formValues, signInForm, type FormFailure } from "$lib/accounts/forms";
import { homeOf, landingFor } from "$lib/accounts/roles";
import { loadAccount } from "$lib/accounts/session";
import { t } from "$lib/i18n";
import type { Actions, PageServerLoad } from "./$types";

type Field = "email" | "password";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  if (profile) redirect(303, homeOf(profile.role));
};

export const actions: Actions = {
  default: async ({ request, locals, url }) => {
    const values = formValues(await request.formData(), ["email", "password"]);
    const refuse = (errors: FormFailure<Field>["errors"]) => fail(400, { values: { email: values.email }, errors } satisfies FormFailure<Field>);
    const parsed = signInForm.safeParse(values);
    if (!parsed.success) return refuse(fieldErrors<Field>(parsed.error));

    const { error } = await locals.supabase.auth.signInWithPassword(parsed.data);
    if (error) return refuse({ form: signInFailureMessage(error) });
    const { profile } = await loadAccount(locals.supabase);
    if (!profile) return refuse({ form: t.errors.generic });
    redirect(303, landingFor(profile.role, url.searchParams.get("next")));
  },
};

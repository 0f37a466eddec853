import { fail, redirect } from "@sveltejs/kit";
import { tooManyAttempts } from "$lib/accounts/auth-errors";
import { fieldErrors, formValues, signUpForm, type FormFailure } from "$lib/accounts/forms";
import { homeOf } from "$lib/accounts/roles";
import { t } from "$lib/i18n";
import { keepLanguage } from "$lib/server/language";
import type { Actions, PageServerLoad } from "./$types";

type Field = "full_name" | "email" | "password" | "role";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  if (profile) redirect(303, homeOf(profile.role));
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, url }) => {
    const values = formValues(await request.formData(), ["full_name", "email", "password", "role"]);
    // The password is never sent back into the page.
    const shown = { full_name: values.full_name, email: values.email, role: values.role };
    const refuse = (errors: FormFailure<Field>["errors"]) => fail(400, { values: shown, errors, checkEmail: false } satisfies FormFailure<Field> & { checkEmail: boolean });
    const parsed = signUpForm.safeParse(values);
    if (!parsed.success) return refuse(fieldErrors<Field>(parsed.error));

    const { full_name, email, password, role } = parsed.data;
    const { data, error } = await locals.supabase.auth.signUp({ email, password, options: { data: { role, full_name } } });
    if (error) {
      const taken = error.code === "user_already_exists" || error.code === "email_exists";
      return refuse(taken ? { email: t.signUp.emailTaken } : { form: tooManyAttempts(error) ? t.errors.tooManyAttempts : t.errors.generic });
    }
    // A project that confirms email addresses gives no session until the link is followed.
    if (!data.session) return { values: shown, errors: {}, checkEmail: true };
    // The account starts in the language it was created in (the profile's own default is English).
    if (data.user) await locals.supabase.from("profiles").update({ language: locals.language }).eq("id", data.user.id);
    keepLanguage(cookies, locals.language, url.protocol === "https:");
    redirect(303, homeOf(role));
  },
};

import { fail, redirect } from "@sveltejs/kit";
import { fieldErrors, formValues, type FormFailure } from "$lib/accounts/forms";
import { keepLocation, localities, localityForm, pointForm, readLocation } from "../location";
import type { Actions, PageServerLoad } from "./$types";

type Field = "lat" | "lng";

export const load: PageServerLoad = async ({ cookies }) => ({ location: readLocation(cookies) });

export const actions: Actions = {
  point: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const values = formValues(form, ["lat", "lng"]);
    const parsed = pointForm.safeParse(values);
    if (!parsed.success) return fail(400, { values, errors: fieldErrors<Field>(parsed.error) } as FormFailure<Field>);
    keepLocation(cookies, { ...parsed.data, fromDevice: form.get("source") === "device" }, url.protocol === "https:");
    redirect(303, "/customer");
  },
  locality: async ({ request, cookies, url }) => {
    const parsed = localityForm.safeParse(formValues(await request.formData(), ["locality"]));
    if (!parsed.success) return fail(400, { values: {}, errors: { form: parsed.error.issues[0]!.message } } as FormFailure<Field>);
    keepLocation(cookies, { ...localities[parsed.data.locality], locality: parsed.data.locality }, url.protocol === "https:");
    redirect(303, "/customer");
  },
};

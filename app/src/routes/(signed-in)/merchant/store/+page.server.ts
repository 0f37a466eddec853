import { fail, redirect } from "@sveltejs/kit";
import { fieldErrors, formValues } from "$lib/accounts/forms";
import { t } from "$lib/i18n";
import { Refused } from "$lib/orders/refusal";
import { myStore, saveStore, STORE_FIELDS, storeFormSchema, storeFormValues } from "$lib/stores/store";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => {
  const { profile } = await locals.safeGetSession();
  const store = await myStore(locals.supabase, profile!.id);
  return { storeId: store?.id ?? null, values: storeFormValues(store) };
};

export const actions: Actions = {
  // Written as the merchant: the table's grants and row-level security decide what may change.
  save: async ({ request, locals }) => {
    const { profile } = await locals.safeGetSession();
    const values = formValues(await request.formData(), STORE_FIELDS);
    const parsed = storeFormSchema.safeParse(values);
    if (!parsed.success) return fail(400, { values, errors: fieldErrors<string>(parsed.error) as Record<string, string>, saved: false });
    const store = await myStore(locals.supabase, profile!.id);
    try {
      await saveStore(locals.supabase, store?.id ?? null, parsed.data);
    } catch (e) {
      const message = e instanceof Refused ? e.message : t.errors.generic;
      return fail(400, { values, errors: { form: t.merchant.store.failed(message) } as Record<string, string>, saved: false });
    }
    // A new store: the home screen says it waits for approval.
    if (!store) redirect(303, "/merchant");
    return { values, errors: {} as Record<string, string>, saved: true };
  },
};

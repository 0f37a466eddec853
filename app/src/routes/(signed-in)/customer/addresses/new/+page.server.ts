import { fail, redirect } from "@sveltejs/kit";
import { fieldErrors, formValues, type FormFailure } from "$lib/accounts/forms";
import { addressFields, addressForm, listAddresses, saveAddress, searchPlaces, type AddressField, type Place } from "$lib/addresses/addresses";
import { t } from "$lib/i18n";
import { addressLocation, keepLocation, pointForm, readLocation } from "../../location";
import type { Actions, PageServerLoad } from "./$types";

/** Where the pin starts when nothing says otherwise: the middle of the old city. */
const CITY_CENTRE = { lat: 18.5196, lng: 73.8553 };

// Only the checkout comes back here; anything else goes to the list.
const afterSaving = (next: string | null, id: string) => (next === "checkout" ? `/customer/checkout?address=${id}` : "/customer/addresses");

export const load: PageServerLoad = async ({ url, cookies, locals }) => {
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  // A place picked from the results without JavaScript comes back as the pin in the address.
  const picked = pointForm.safeParse({ lat: url.searchParams.get("lat") ?? "", lng: url.searchParams.get("lng") ?? "" });
  const places: Place[] = q ? await searchPlaces(locals.supabase, q).catch(() => []) : [];
  return {
    q,
    places,
    pin: picked.success ? picked.data : (readLocation(cookies) ?? CITY_CENTRE),
    next: url.searchParams.get("next"),
  };
};

export const actions: Actions = {
  default: async ({ request, locals, cookies, url }) => {
    const values = formValues(await request.formData(), addressFields);
    const input = addressForm.safeParse(values);
    if (!input.success) return fail(400, { values, errors: fieldErrors<AddressField>(input.error) } as FormFailure<AddressField>);
    let id: string;
    try {
      ({ id } = await saveAddress(locals.supabase, input.data));
    } catch (e) {
      console.error("saving an address failed:", e);
      return fail(503, { values, errors: { form: t.addresses.failed } } as FormFailure<AddressField>);
    }
    // The default address is where discovery looks from now on.
    const saved = (await listAddresses(locals.supabase)).find((a) => a.id === id);
    if (saved?.is_default) keepLocation(cookies, addressLocation(saved), url.protocol === "https:");
    redirect(303, afterSaving(url.searchParams.get("next"), id));
  },
};

import { fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { listAddresses, makeDefault, removeAddress } from "$lib/addresses/addresses";
import { t } from "$lib/i18n";
import { addressLocation, keepLocation } from "../location";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals }) => ({ addresses: await listAddresses(locals.supabase) });

const chosen = z.object({ id: z.uuid() });

export const actions: Actions = {
  // The default address is also where discovery looks.
  makeDefault: async ({ request, locals, cookies, url }) => {
    const input = chosen.safeParse(Object.fromEntries(await request.formData()));
    if (!input.success) return fail(400, { problem: t.addresses.failed });
    await makeDefault(locals.supabase, input.data.id);
    const home = (await listAddresses(locals.supabase)).find((a) => a.id === input.data.id && a.is_default);
    if (home) keepLocation(cookies, addressLocation(home), url.protocol === "https:");
    return { done: true };
  },
  remove: async ({ request, locals }) => {
    const input = chosen.safeParse(Object.fromEntries(await request.formData()));
    if (!input.success) return fail(400, { problem: t.addresses.failed });
    await removeAddress(locals.supabase, input.data.id);
    return { done: true };
  },
};

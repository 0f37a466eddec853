import { fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { fieldErrors, formValues } from "$lib/accounts/forms";
import { t } from "$lib/i18n";
import { shelfFor } from "$lib/catalogue/shelf";
import { importInventory, parseInventoryCsv, productEditForm, stockList, updateProduct } from "$lib/inventory/inventory";
import { Refused } from "$lib/orders/refusal";
import { logLoadFailure } from "$lib/server/failure";
import { myStore } from "$lib/stores/store";
import type { Actions, PageServerLoad } from "./$types";

// The page renders the first aisles (or the product a saved change came from); the rest come
// from ./products as the merchant scrolls, jumps or filters.
/** A product's edit form is about 16 elements, so fewer to a page than on the store page. */
const STOCK_PAGE = 20;
export const load: PageServerLoad = async ({ locals, url, route }) => {
  const { profile } = await locals.safeGetSession();
  try {
    const store = await myStore(locals.supabase, profile!.id);
    if (!store) return { store: null, shelf: null, failed: false };
    return { store: { id: store.id, name: store.name }, shelf: shelfFor(await stockList(locals.supabase, store.id), url, STOCK_PAGE), failed: false };
  } catch (e) {
    logLoadFailure(route, "the store's stock", e);
    return { store: null, shelf: null, failed: true };
  }
};

export const actions: Actions = {
  // The same edit the outbox sends, for a browser whose script has not loaded.
  update: async ({ request, locals }) => {
    const form = await request.formData();
    const productId = z.uuid().safeParse(form.get("product_id"));
    const values = formValues(form, ["price", "stock", "active"]);
    if (!productId.success) return fail(400, { productId: null, errors: { form: t.errors.generic } as Record<string, string> });
    const parsed = productEditForm({ price: t.merchant.inventory.priceInvalid, stock: t.merchant.inventory.stockInvalid }).safeParse(values);
    if (!parsed.success) return fail(400, { productId: productId.data, errors: fieldErrors<string>(parsed.error) as Record<string, string> });
    try {
      const saved = await updateProduct(locals.supabase, productId.data, parsed.data);
      if (!saved) return fail(404, { productId: productId.data, errors: { form: t.merchant.inventory.notYours } as Record<string, string> });
      return { productId: productId.data, errors: {} as Record<string, string>, saved: true };
    } catch (e) {
      return fail(400, { productId: productId.data, errors: { form: t.merchant.inventory.refused(e instanceof Refused ? e.message : t.errors.generic) } as Record<string, string> });
    }
  },
  // Nothing is written unless the whole file reads cleanly; then one request, all or nothing.
  import: async ({ request, locals }) => {
    const { profile } = await locals.safeGetSession();
    const file = (await request.formData()).get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { importProblem: t.merchant.inventory.noFile });
    const parsed = parseInventoryCsv(await file.text());
    if (parsed.errors.length > 0) return fail(400, { csvErrors: parsed.errors });
    try {
      const store = await myStore(locals.supabase, profile!.id);
      if (!store) return fail(400, { importProblem: t.merchant.inventory.noStore });
      return { imported: await importInventory(locals.supabase, store.id, parsed.rows) };
    } catch (e) {
      return fail(400, { importProblem: t.merchant.inventory.importRefused(e instanceof Refused ? e.message : t.errors.generic) });
    }
  },
};

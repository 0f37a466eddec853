import { fail } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { fieldErrors, formValues } from "$lib/accounts/forms";
import { t } from "$lib/i18n";
import { shelfFor } from "$lib/catalogue/shelf";
import { randomUUID } from "node:crypto";
import { IMAGE_TYPES, MAX_IMAGE_BYTES, productImageName } from "$lib/images/images";
import { replaceProductImage } from "$lib/images/upload";
import { checkImportPhotos, importInventory, parseInventoryCsv, productEditForm, stockList, updateProduct } from "$lib/inventory/inventory";
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
  update: async ({ request, locals, url }) => {
    const form = await request.formData();
    const productId = z.uuid().safeParse(url.searchParams.get("product"));
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
  // Photos named in the file's `image` column come with it; they are stored once the products are.
  import: async ({ request, locals }) => {
    const { profile } = await locals.safeGetSession();
    const form = await request.formData();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { importProblem: t.merchant.inventory.noFile });
    const photos = form.getAll("photos").filter((p): p is File => p instanceof File && p.size > 0);
    const parsed = parseInventoryCsv(await file.text());
    const errors = [...parsed.errors, ...checkImportPhotos(parsed, photos, { types: IMAGE_TYPES, maxBytes: MAX_IMAGE_BYTES })];
    if (errors.length > 0) return fail(400, { csvErrors: errors.sort((a, b) => a.line - b.line) });
    let imported;
    let store;
    try {
      store = await myStore(locals.supabase, profile!.id);
      if (!store) return fail(400, { importProblem: t.merchant.inventory.noStore });
      imported = await importInventory(locals.supabase, store.id, parsed.rows);
    } catch (e) {
      return fail(400, { importProblem: t.merchant.inventory.importRefused(e instanceof Refused ? e.message : t.errors.generic) });
    }
    const named = parsed.rows.filter((r) => r.image !== undefined);
    const failedPhotos: string[] = [];
    if (named.length > 0) {
      const ids = await locals.supabase.from("products").select("id, sku").eq("store_id", store.id).in("sku", named.map((r) => r.sku));
      const idOf = new Map((ids.data ?? []).map((p) => [p.sku, p.id]));
      for (const row of named) {
        const photo = photos.find((p) => p.name === row.image)!;
        const id = idOf.get(row.sku);
        try {
          if (!id) throw new Error("not imported");
          await replaceProductImage(locals.supabase, id, productImageName(store.id, id, randomUUID(), photo.type), photo, photo.type);
        } catch {
          failedPhotos.push(row.sku);
        }
      }
    }
    return { imported, photos: named.length - failedPhotos.length, failedPhotos };
  },
};

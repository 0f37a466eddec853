import { error } from "@sveltejs/kit";
import { z } from "zod";
import { t } from "$lib/i18n";
import { dataOf } from "$lib/orders/refusal";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) error(404, { message: t.errors.notFound, home: "/customer" });
  // Row-level security shows approved stores and their active products only.
  const [store, products] = await Promise.all([
    locals.supabase.from("stores").select("id, name, category, address, is_open, minimum_order_paise").eq("id", id.data).maybeSingle(),
    locals.supabase.from("products").select("id, name, category, unit, price_paise, stock").eq("store_id", id.data).eq("is_active", true).order("category").order("name"),
  ]);
  const row = dataOf(store);
  if (!row) error(404, { message: t.errors.notFound, home: "/customer" });
  const list = dataOf(products);
  const byCategory = new Map<string, typeof list>();
  for (const p of list) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
  return { store: row, categories: [...byCategory].map(([name, items]) => ({ name, items })) };
};

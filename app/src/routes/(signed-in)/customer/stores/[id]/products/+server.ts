import { error, json } from "@sveltejs/kit";
import { z } from "$lib/zod";
import { storeProducts } from "$lib/catalogue/products";
import type { RequestHandler } from "./$types";

// Every product of the store, for the store page's aisles and filter (and kept for offline).
export const GET: RequestHandler = async ({ locals, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) error(404);
  return json(await storeProducts(locals.supabase, id.data));
};

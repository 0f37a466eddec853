import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "$lib/zod";
import type { Database } from "$lib/database.types";
import { dataOf, validRows } from "$lib/orders/refusal";
import { pointOfWkb, type Point } from "$lib/maps/geo";

/** Where the stores stand, by id, read under row-level security (approved stores only). */
export async function storePoints(supabase: SupabaseClient<Database>, ids: string[]): Promise<Record<string, Point>> {
  if (ids.length === 0) return {};
  const rows = dataOf(await supabase.from("stores").select("id, location").in("id", ids));
  const points: Record<string, Point> = {};
  for (const row of validRows(z.object({ id: z.string(), location: z.string() }), rows, "store points")) {
    const p = pointOfWkb(row.location);
    if (p) points[row.id] = p;
  }
  return points;
}

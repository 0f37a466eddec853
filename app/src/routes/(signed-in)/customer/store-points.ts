import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import type { Database } from "$lib/database.types";
import { dataOf } from "$lib/orders/refusal";

export interface Point {
  lat: number;
  lng: number;
}

/** A PostGIS point as REST returns a geography column: (E)WKB in hex. */
export function pointOfWkb(hex: string): Point | null {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length < 42) return null;
  const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  const view = new DataView(bytes.buffer);
  const little = bytes[0] === 1;
  const type = view.getUint32(1, little);
  if ((type & 0xff) !== 1) return null; // not a point
  const at = type & 0x20000000 ? 9 : 5; // an SRID follows the type in EWKB
  if (bytes.length < at + 16) return null;
  return { lng: view.getFloat64(at, little), lat: view.getFloat64(at + 8, little) };
}

/** Where the stores stand, by id, read under row-level security (approved stores only). */
export async function storePoints(supabase: SupabaseClient<Database>, ids: string[]): Promise<Record<string, Point>> {
  if (ids.length === 0) return {};
  const rows = dataOf(await supabase.from("stores").select("id, location").in("id", ids));
  const points: Record<string, Point> = {};
  for (const row of z.array(z.object({ id: z.string(), location: z.string() })).parse(rows)) {
    const p = pointOfWkb(row.location);
    if (p) points[row.id] = p;
  }
  return points;
}

// What the customer shows the rider at the door: the signed token as a QR code, and the 4-digit
// code beside it for a rider who cannot scan (checked online only). The QR code is drawn on the
// server, so the page ships no QR library.
import type { SupabaseClient } from "@supabase/supabase-js";
import { correction, generate } from "lean-qr";
import { toSvgPath } from "lean-qr/extras/svg";
import type { Database } from "../database.types.js";
import { handoverCode, handoverToken } from "./orders.js";

export interface HandoverPass {
  code: string;
  token: string;
  /** The token's QR code: `size` modules square, the dark ones as an SVG path. */
  qr: { size: number; path: string };
}

export async function handoverPass(supabase: SupabaseClient<Database>, orderId: string): Promise<HandoverPass> {
  const [code, token] = await Promise.all([handoverCode(supabase, orderId), handoverToken(supabase, orderId)]);
  // Medium correction: a cracked or smudged phone screen still scans.
  const qr = generate(token, { minCorrectionLevel: correction.M });
  return { code, token, qr: { size: qr.size, path: toSvgPath(qr) } };
}

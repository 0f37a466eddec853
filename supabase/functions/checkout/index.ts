// POST /functions/v1/checkout: places an order once per Idempotency-Key. The work is one SQL
// transaction (private.checkout: prices, stock, radius, opening hours and the stored response);
// this function is its HTTP face: per-field validation (the contract the app checks its form with,
// _shared/contracts/checkout.ts), the caller from the verified JWT, the
// status codes and the Idempotent-Replayed header.
import { fieldErrors, orderRequest } from "../_shared/contracts/checkout.ts";
import { z } from "../_shared/contracts/zod.ts";
import { callerId, corsHeaders, databaseUnavailable, json, problem } from "../_shared/http.ts";
import { isConnectionError } from "../_shared/unavailable.ts";
import { refusal, sql } from "../_shared/db.ts";

const MAX_BODY_BYTES = 64 * 1024;

Deno.serve(async (req) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  if (req.method !== "POST") return problem(405, "method_not_allowed", "Use POST.");

  const customerId = callerId(req);
  if (!customerId) return problem(401, "sign_in_required", "Sign in as a customer to place an order.");

  const key = req.headers.get("Idempotency-Key") ?? "";
  if (!z.uuid().safeParse(key).success) {
    return problem(400, "idempotency_key_required", "Send an Idempotency-Key header holding a new UUID for each order.");
  }

  const text = await req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return problem(413, "body_too_large", `The order must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return problem(400, "invalid_json", "The body must be JSON.");
  }
  const parsed = orderRequest.safeParse(raw);
  if (!parsed.success) return problem(400, "invalid_request", "The order is not valid.", fieldErrors(parsed.error));

  try {
    const [result] = await sql<{ status: number; body: unknown; replayed: boolean }[]>`
      select status, body, replayed from private.checkout(${customerId}, ${key}, ${sql.json(parsed.data)})`;
    return json(result!.status, result!.body, { "Idempotent-Replayed": String(result!.replayed) });
  } catch (e) {
    const refused = refusal(e);
    if (refused) return json(refused.status, refused.body);
    const pg = e as { code?: string; message?: string };
    // The database's own validation, for anything the schema above let through.
    if (pg.code === "22023") return problem(400, "invalid_request", pg.message ?? "The order is not valid.");
    // Placed or not, the same Idempotency-Key sent again gets the one order.
    if (isConnectionError(e)) return databaseUnavailable();
    console.error("checkout:", e);
    return problem(500, "checkout_failed", "The order could not be placed; nothing was charged. Try again with the same Idempotency-Key.");
  }
});

// POST /functions/v1/checkout: places an order once per Idempotency-Key. The work is one SQL
// transaction (private.checkout: prices, stock, radius, opening hours and the stored response);
// this function is its HTTP face: per-field validation, the caller from the verified JWT, the
// status codes and the Idempotent-Replayed header.
import { z } from "../_shared/deps.ts";
import { callerId, corsHeaders, databaseUnavailable, fieldErrors, json, problem, STORABLE_TEXT, storableText } from "../_shared/http.ts";
import { isConnectionError } from "../_shared/unavailable.ts";
import { refusal, sql } from "../_shared/db.ts";

const MAX_BODY_BYTES = 64 * 1024;

const Order = z.strictObject({
  store_id: z.uuid(),
  items: z
    .array(
      z.strictObject({
        product_id: z.uuid(),
        quantity: z.int().min(1).max(100),
        if_unavailable: z.enum(["remove", "substitute"]).optional(),
      }),
    )
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((i) => i.product_id.toLowerCase())).size === items.length, {
      message: "List each product once, with its quantity.",
    }),
  delivery: z.strictObject({
    // Checked trimmed but sent as typed: the request hash is over what the client sent.
    address: z.string().refine(storableText, STORABLE_TEXT).refine((a) => a.trim().length >= 5 && a.trim().length <= 300, "Give 5 to 300 characters."),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    // The saved address's phone, for the rider: kept on the order with the address.
    phone: z.string().regex(/^\+?[0-9]{10,15}$/, "Give 10 to 15 digits, with an optional leading +.").optional(),
  }),
  notes: z.string().max(500).refine(storableText, STORABLE_TEXT).nullish(),
  expected_total_paise: z.int().min(0).max(999_999_999).nullish(),
  payment_method: z.literal("cod"),
});

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
  const parsed = Order.safeParse(raw);
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
